package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * A question that leaves its context no more tokens than the stride is refused with the numbers a
 * user needs to fix it: the question's tokens, the window, its special tokens, what is left and the
 * stride. The fixture's reference tokenizes "Who visited Paris?" as 5 tokens ({@code wh ##o visited
 * paris ?}) between {@code [CLS]} and {@code [SEP]}, and its context as 17 before the last {@code
 * [SEP]}: 3 special tokens per window.
 */
class TaskPredictorQaRoomTest {
    private static final String QUESTION = "Who visited Paris?";
    private static final String CONTEXT = "John Smith visited Paris in May and then went to Berlin.";

    @Test
    void aQuestionWithoutRoomIsRefusedWithItsNumbers() throws Exception {
        Path folder = SharedFixtures.require("fixtures/hf-reference/bert/question-answering");
        // a window of 12: 12 - 5 - 3 = 4 context tokens, not more than the stride 4
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.loadHuggingFace(folder, m, FeatureSettings.paper().withLengths(64, 12, 4))) {
            TaskPredictor p = model.predictor(model.tasks().get(0).name());
            String why = "question leaves the context no more tokens than the stride at this max length: the question"
                    + " is 5 tokens, and a window of 12 with its 3 special tokens leaves the context 4, not more than"
                    + " the stride 4; expected a question of at most 4 tokens, a longer QA max length or a shorter stride";
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> p.answer(List.of("Paris?", QUESTION), List.of(CONTEXT, CONTEXT)));
            assertEquals("predictor: task " + model.tasks().get(0).name() + ": input 1: " + why
                    + " (1 of 2 inputs refused)", thrown.getMessage());
            List<RefusedInputException> refused = new ArrayList<>();
            List<?> answers = p.answer(List.of(QUESTION, "Paris?"), List.of(CONTEXT, CONTEXT), refused::add);
            assertNull(answers.get(0));
            assertNotNull(answers.get(1));
            assertEquals(1, refused.size());
            assertEquals(why, refused.get(0).reason());
        }
        // one token fewer of stride leaves room: 4 context tokens are more than 3
        try (NDManager m = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.loadHuggingFace(folder, m, FeatureSettings.paper().withLengths(64, 12, 3))) {
            assertNotNull(model.predictor(model.tasks().get(0).name()).answer(List.of(QUESTION), List.of(CONTEXT)).get(0));
        }
    }

    /**
     * The refusal counts the tokens of the question as featurized, after the leading whitespace
     * HF's {@code run_qa.py} strips ({@code lstrip()}): with XLM-R's Metaspace a leading space is a
     * token of its own, so counting the question as given says one token more than the featurizer
     * saw. Ground truth: the refusal of the same question without the leading whitespace.
     */
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
