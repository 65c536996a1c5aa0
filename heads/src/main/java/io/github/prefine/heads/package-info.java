/**
 * Task heads and their losses, as DJL blocks and static functions that reproduce Hugging Face
 * Transformers' {@code *ForSequenceClassification}, {@code *ForTokenClassification}, {@code
 * *ForQuestionAnswering} and {@code *ForMultipleChoice}.
 *
 * <p>Every {@link io.github.prefine.heads.Head} reads the encoder's last hidden state {@code
 * [batch, seqLen, hidden]} (float32) and names its parameters with HF checkpoint keys: {@link
 * io.github.prefine.heads.SequenceClassificationHead}, {@link
 * io.github.prefine.heads.TokenClassificationHead}, {@link
 * io.github.prefine.heads.QuestionAnsweringHead} and {@link
 * io.github.prefine.heads.MultipleChoiceHead}. {@link io.github.prefine.heads.HeadLosses} holds
 * cross entropy with an ignore index (batch mean and per example, as {@link
 * io.github.prefine.heads.RowLosses}) and the QA span loss. This package depends on the DJL API only.
 */
package io.github.prefine.heads;
