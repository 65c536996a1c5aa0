package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The refusal of a question without room for its context counts the tokens of the question as
 * featurized, after the leading whitespace HF's {@code run_qa.py} strips ({@code lstrip()}). With
 * XLM-R's Metaspace a leading space is a token of its own, so counting the question as given says
 * one token more than the featurizer saw. Ground truth: the refusal of the same question without
 * the leading whitespace, which both featurize alike.
 */
class TaskPredictorQaRoomLeadTest {
    private static final String QUESTION = "Who visited Paris?";
    private static final String CONTEXT = "John Smith visited Paris in May and then went to Berlin.";

    @Test
    void leadingWhitespaceIsNotCountedAsQuestionTokens() throws Exception {
        Path folder = SharedFixtures.require("fixtures/hf-reference/xlm-roberta/question-answering");
        // a window of 12 and a stride of 8 leave no room for any question of a token or more
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.loadHuggingFace(folder, m, FeatureSettings.paper().withLengths(64, 12, 8))) {
            TaskPredictor p = model.predictor(model.tasks().get(0).name());
            List<RefusedInputException> refused = new ArrayList<>();
            p.answer(List.of(QUESTION, "  " + QUESTION, "\u00A0 " + QUESTION), List.of(CONTEXT, CONTEXT, CONTEXT),
                    refused::add);
            assertEquals(3, refused.size());
            String plain = refused.get(0).reason();
            assertTrue(plain.contains(": the question is "), plain);
            // the question as given is longer for this tokenizer, so equal counts are the stripped ones
            try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(folder.resolve("tokenizer.json"))
                    .build()) {
                assertNotEquals(tok.encodePieces(List.of(QUESTION), false).length(0),
                        tok.encodePieces(List.of("  " + QUESTION), false).length(0));
            }
            assertEquals(plain, refused.get(1).reason());
            assertEquals(plain, refused.get(2).reason());
        }
    }
}
