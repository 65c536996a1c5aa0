package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.testing.OverflowingEncoder;
import io.github.prefine.eval.qa.QaAnswer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose activations overflow float32 (the embeddings' LayerNorm weight scaled to 3e38,
 * finite, so the load takes it: its output is infinite, and the next matrix product's sum of +inf
 * and -inf NaN) has NaN logits. Tagging read their arg-max, the first label, as if predicted, and
 * QA no answer, with no number left to show it; each such input is now refused, for every task
 * type, naming its index.
 */
class TaskPredictorNonFiniteTest {
    /** The refusal's message, written out here rather than read from the code under test. */
    private static final String WHY = "the model's outputs hold NaN or an infinity (its logits for this input);"
            + " expected finite outputs (the model's activations overflow float32 on this input)";

    @TempDir
    Path tmp;

    @Test
    void everyTaskTypeRefusesAnInputWhoseLogitsAreNotFinite() throws Exception {
        Path dir = TinyFinetuning.saveUntrained(tmp.resolve("model"));
        OverflowingEncoder.overflow(dir.resolve("encoder").resolve("model.safetensors"));

        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(dir, m)) {
            TaskPredictor ner = model.predictor("ner");
            RefusedInputException e = assertThrows(RefusedInputException.class,
                    () -> ner.tag(List.of(List.of("john", "visited", "paris"))));
            assertEquals("predictor: task ner: input 0: " + WHY, e.getMessage());
            List<RefusedInputException> seen = new ArrayList<>();
            // the second input is refused for its empty word first, and once
            List<TagPrediction> tags = ner.tag(List.of(List.of("john"), List.of(""), List.of("rome")), seen::add);
            assertEquals(Arrays.asList(null, null, null), tags);
            assertEquals(List.of(1, 0, 2), seen.stream().map(RefusedInputException::index).toList());
            assertEquals(List.of(WHY, WHY), seen.subList(1, 3).stream().map(RefusedInputException::reason).toList());
            e = assertThrows(RefusedInputException.class, () -> ner.tagTexts(List.of("mary wrote")));
            assertEquals(WHY, e.reason());

            TaskPredictor qa = model.predictor("qa");
            seen.clear();
            List<QaAnswer> answers = qa.answer(List.of("who?", "where?"), List.of("john visited paris", "rome"), seen::add);
            assertEquals(Arrays.asList(null, null), answers);
            assertEquals(List.of(0, 1), seen.stream().map(RefusedInputException::index).toList());
            assertEquals(WHY, seen.get(0).reason());

            e = assertThrows(RefusedInputException.class, () -> model.predictor("topic").classify(List.of("john")));
            assertEquals("predictor: task topic: input 0: " + WHY, e.getMessage());
        }
    }
}
