/**
 * Which pre-finetuning tasks and groups help a target: task embeddings ({@link
 * io.github.prefine.core.transfer.TaskEmbedder}, TextEmb and TaskEmb after Vu et al., EMNLP
 * 2020), their on-disk cache ({@link io.github.prefine.core.transfer.EmbeddingStore}), the ranking
 * of sources and groups by cosine similarity ({@link
 * io.github.prefine.core.transfer.TransferRecommender}) and its agreement with measured transfer
 * ({@link io.github.prefine.core.transfer.TransferAgreement}).
 */
package io.github.prefine.core.transfer;
