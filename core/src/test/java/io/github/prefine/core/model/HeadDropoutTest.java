package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.MultipleChoiceHead;
import io.github.prefine.heads.SequenceClassificationHead;
import io.github.prefine.heads.TokenClassificationHead;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * New heads drop out as the encoder's config.json says ({@code classifier_dropout}, else {@code
 * hidden_dropout_prob}), however the encoder reaches the builder: the pre-finetuning grid hands its
 * {@link TransformerEncoder} over as a {@link Block} with its hidden size.
 */
class HeadDropoutTest {
    private static final int HIDDEN = 8;

    @Test
    void aTransformerEncoderGivenAsABlockStillGivesItsConfigsHeadDropout() {
        EncoderConfig c = EncoderConfig.fromJson("{\"model_type\": \"bert\", \"vocab_size\": 16, \"hidden_size\": "
                + HIDDEN + ", \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 12,"
                + " \"max_position_embeddings\": 32, \"hidden_dropout_prob\": 0.25}");
        assertEquals(0.25f, dropoutOfANewHead(c, false));
        assertEquals(0.25f, dropoutOfANewHead(c, true));
        EncoderConfig own = c.toBuilder().optClassifierDropout(0.4f).build();
        assertEquals(0.4f, dropoutOfANewHead(own, true));
    }

    @Test
    void robertasMultipleChoiceTakesTheHiddenDropoutAsHfsDoes() throws Exception {
        // HF's RobertaForMultipleChoice (and XLM-R's) builds nn.Dropout(hidden_dropout_prob) and reads
        // no classifier_dropout; BertForMultipleChoice and every classifier head read classifier_dropout
        EncoderConfig c = EncoderConfig.fromJson(Files.readString(
                io.github.prefine.core.testing.SharedFixtures.require("fixtures/hf-reference/xlm-roberta/encoder").resolve("config.json"))).toBuilder()
                .optHiddenDropoutProb(0.1f).optAttentionProbsDropoutProb(0f).optClassifierDropout(0.3f).build();
        EncoderConfig bert = c.toBuilder().setModelType(io.github.prefine.core.encoder.ModelFamily.BERT)
                .optTypeVocabSize(2).optPadTokenId(0).build();
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder e = TransformerEncoder.builder().setConfig(c).build();
            e.initializeRandom(m, 1);
            TransformerEncoder eb = TransformerEncoder.builder().setConfig(bert).build();
            eb.initializeRandom(m, 1);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m).setEncoder(e)
                    .addHead("choose", new MultipleChoice(2).newHead(2, HeadFamily.ROBERTA, 7))
                    .addHead("classify", TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.ROBERTA, 7)).build();
                    MultiHeadModel bertModel = MultiHeadModel.builder().setManager(m).setEncoder(eb)
                            .addHead("choose", new MultipleChoice(2).newHead(2, HeadFamily.BERT, 7)).build()) {
                assertEquals(0.1f, ((MultipleChoiceHead) block(model.head(0))).dropout(), "RoBERTa multiple choice");
                assertEquals(0.3f, ((SequenceClassificationHead) block(model.head(1))).dropout(), "RoBERTa classifier");
                assertEquals(0.3f, ((MultipleChoiceHead) block(bertModel.head(0))).dropout(), "BERT multiple choice");
            }
        }
    }

    private static Object block(TaskHead head) {
        return ((HeadAdapter<?>) head).block();
    }

    private static float dropoutOfANewHead(EncoderConfig config, boolean asBlock) {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder e = TransformerEncoder.builder().setConfig(config).build();
            e.initializeRandom(m, 1);
            MultiHeadModel.Builder b = MultiHeadModel.builder().setManager(m);
            if (asBlock) {
                b.setEncoder((Block) e, HIDDEN);
            } else {
                b.setEncoder(e);
            }
            try (MultiHeadModel model = b.addHead("tags", TaskFormat.TOKEN.newHead(3, HeadFamily.BERT, 7)).build()) {
                return ((TokenClassificationHead) ((HeadAdapter<?>) model.head(0)).block()).dropout();
            }
        }
    }
}
