package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskPredictor#withSettings} reads new text with other lengths than the folder records:
 * the same seeded classifier saved twice on the BERT fixture, cut at 64 and at 12 tokens, predicts
 * alike once the first is read with the second's lengths, and otherwise differently on a long text.
 */
class TaskPredictorSettingsTest {
    @TempDir
    Path tmp;

    private Path save(String name, int maxLength) throws Exception {
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert");
        Path dir = tmp.resolve(name);
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(bert.resolve("tokenizer.json")).build();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(bert.resolve("encoder"), m).encoder())
                        .addHead("topic", TaskFormat.SINGLE_TEXT.newHead(2, HeadFamily.BERT, 7)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok)
                    .setFeatureSettings(FeatureSettings.paper().withLengths(maxLength, 64, 16))
                    .addTask("topic", TaskFormat.SINGLE_TEXT, List.of("neg", "pos")).build().writeTo(dir);
        }
        return dir;
    }

    @Test
    void aPredictorReadWithAnotherMaxLengthPredictsAsTheTaskSavedWithIt() throws Exception {
        Path wide = save("wide", 64);
        Path narrow = save("narrow", 12);
        List<String> texts = List.of("john visited paris",
                String.join(" ", Collections.nCopies(8, "the team read a film about rome")));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel w = FinetunedModel.load(wide, m);
                FinetunedModel n = FinetunedModel.load(narrow, m)) {
            TaskPredictor own = w.predictor("topic");
            TaskPredictor cut = own.withSettings(own.task().settings().withLengths(12, 64, 16));
            assertEquals(12, cut.task().settings().maxLength());
            assertEquals(64, own.task().settings().maxLength());
            List<LabelPrediction> want = n.predictor("topic").classify(texts);
            List<LabelPrediction> got = cut.classify(texts);
            List<LabelPrediction> unchanged = own.classify(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(want.get(i).probabilities(), got.get(i).probabilities());
                assertEquals(want.get(i).cut(), got.get(i).cut());
            }
            // the long text is cut at 12 only when read with 12
            assertEquals(List.of(false, true), got.stream().map(LabelPrediction::cut).toList());
            assertEquals(List.of(false, false), unchanged.stream().map(LabelPrediction::cut).toList());
            assertNotEquals(want.get(1).probabilities(), unchanged.get(1).probabilities());
        }
    }

    @Test
    void lengthsBeyondTheEncodersPositionsAreRefusedAtWithSettings() throws Exception {
        // the fixture BERT has 64 positions: 65 was taken here and refused only by the forward pass
        // of the first text of more than 64 tokens
        Path wide = save("wide", 64);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel w = FinetunedModel.load(wide, m)) {
            TaskPredictor own = w.predictor("topic");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> own.withSettings(own.task().settings().withLengths(65, 64, 16)));
            assertEquals("predictor: task topic: withSettings would read rows of up to 65 tokens (FeatureSettings"
                    + " maxLength), but the encoder has 64 positions; give at most 64", e.getMessage());
            // the QA window is not what a classifier reads: it may exceed them
            assertEquals(64, own.withSettings(own.task().settings().withLengths(64, 512, 16)).task().settings()
                    .maxLength());
        }
    }
}
