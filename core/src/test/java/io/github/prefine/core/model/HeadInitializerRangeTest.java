package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.heads.HeadFamily;
import org.junit.jupiter.api.Test;

/**
 * New heads draw their weights from normal(0, initializer_range) of the encoder's config.json, as
 * HF's {@code _init_weights} does, and 0.02 when the config gives none; biases start at zero.
 */
class HeadInitializerRangeTest {
    private static final int HIDDEN = 64;
    private static final int LABELS = 32;

    @Test
    void aFreshHeadUsesTheConfigsInitializerRange() {
        // 2048 draws: the sample std's standard error is sigma / sqrt(2n) = sigma / 64, so 10% of
        // sigma is over six standard errors
        assertStd(0.5, config(", \"initializer_range\": 0.5"));
        assertStd(0.02, config(""));
    }

    @Test
    void theRangeRoundTripsThroughConfigJson() {
        EncoderConfig c = config(", \"initializer_range\": 0.5");
        assertEquals(0.5f, c.initializerRange());
        assertEquals(c, EncoderConfig.fromJson(c.toJson()));
        assertEquals(0.02f, config("").initializerRange());
    }

    private static EncoderConfig config(String extra) {
        return EncoderConfig.fromJson("{\"model_type\": \"bert\", \"vocab_size\": 16, \"hidden_size\": " + HIDDEN
                + ", \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 32,"
                + " \"max_position_embeddings\": 32" + extra + "}");
    }

    private static void assertStd(double expected, EncoderConfig config) {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder e = TransformerEncoder.builder().setConfig(config).build();
            e.initializeRandom(m, 1);
            try (MultiHeadModel model = MultiHeadModel.builder().setManager(m).setEncoder(e)
                    .addHead("tags", TaskFormat.TOKEN.newHead(LABELS, HeadFamily.BERT, 7)).build()) {
                float[] weight = null;
                float[] bias = null;
                for (NamedParameter p : model.headParameters(0)) {
                    float[] v = p.parameter().getArray().toFloatArray();
                    if (p.key().endsWith("classifier.weight")) {
                        weight = v;
                    } else if (p.key().endsWith("classifier.bias")) {
                        bias = v;
                    }
                }
                assertEquals(LABELS * HIDDEN, weight.length, "classifier weight [labels, hidden]");
                double sum = 0;
                double sq = 0;
                for (float w : weight) {
                    sum += w;
                    sq += (double) w * w;
                }
                double mean = sum / weight.length;
                double std = Math.sqrt(sq / weight.length - mean * mean);
                assertTrue(Math.abs(std - expected) < 0.1 * expected,
                        "weight std " + std + ", expected about " + expected);
                assertTrue(Math.abs(mean) < 0.1 * expected, "weight mean " + mean + ", expected about 0");
                assertEquals(LABELS, bias.length);
                for (float b : bias) {
                    assertEquals(0f, b, "biases start at zero");
                }
            }
        }
    }
}
