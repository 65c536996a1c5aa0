package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call given {@code onRefused} goes on past refused inputs: each refused input reaches it with
 * its index and reason, its output is null, and the others' outputs are those of a call on them
 * alone (the same model, the same tokenizer). Without it, the first refusal is thrown as before.
 */
class TaskPredictorRefusalsTest {
    @Test
    void refusedInputsReachTheConsumerAndTheOthersArePredictedAsAlone(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor topic = model.predictor("topic");
            List<String> texts = Arrays.asList("john visited paris", " ", "the team read", "paris \ud800 rome",
                    "mary wrote");
            List<RefusedInputException> refused = new ArrayList<>();
            List<LabelPrediction> got = topic.classify(texts, refused::add);
            assertEquals(List.of(1, 3), refused.stream().map(RefusedInputException::index).toList());
            assertEquals("the text is only whitespace; expected a non-empty text", refused.get(0).reason());
            assertNull(got.get(1));
            assertNull(got.get(3));
            assertEquals(topic.classify(List.of(texts.get(0), texts.get(2), texts.get(4))),
                    List.of(got.get(0), got.get(2), got.get(4)));
            RefusedInputException e = assertThrows(RefusedInputException.class, () -> topic.classify(texts));
            assertEquals(1, e.index());

            // the featurizer's refusal: a question that leaves no room for its context in a 40-token window
            TaskPredictor qa = model.predictor("qa");
            String context = "the team walked with people while john visited paris about a game in rome.";
            String tooLong = "who " + "really ".repeat(40) + "visited paris?";
            List<RefusedInputException> qaRefused = new ArrayList<>();
            List<String> questions = List.of(tooLong, "who visited paris?", tooLong);
            List<?> answers = qa.answer(questions, List.of(context, context, context), qaRefused::add);
            assertEquals(List.of(0, 2), qaRefused.stream().map(RefusedInputException::index).toList());
            assertEquals(Arrays.asList(null, qa.answer(List.of(questions.get(1)), List.of(context)).get(0), null), answers);
            assertEquals(qaRefused.get(0).reason(), qaRefused.get(1).reason());
            RefusedInputException thrown = assertThrows(RefusedInputException.class,
                    () -> qa.answer(questions, List.of(context, context, context)));
            assertEquals("predictor: task qa: input 0: " + qaRefused.get(0).reason() + " (2 of 3 inputs refused)",
                    thrown.getMessage());
        }
    }

    /**
     * The featurizer's report names the first three inputs of each reason; a fourth, with two
     * reasons in the call, still gets its own (the input alone is featurized once more for it).
     */
    @Test
    void eachFeaturizerRefusalGetsItsOwnReasonPastTheReportsSamples(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor qa = model.predictor("qa");
            String context = "the team walked with people while john visited paris about a game in rome.";
            String tooLong = "who " + "really ".repeat(40) + "visited paris?";
            List<String> questions = List.of("who visited paris?", tooLong, "who?", tooLong, tooLong, tooLong);
            // U+200B alone: a context with no tokens
            List<String> contexts = List.of(context, context, "\u200b", context, context, context);
            List<RefusedInputException> refused = new ArrayList<>();
            List<?> answers = qa.answer(questions, contexts, refused::add);
            refused.sort(java.util.Comparator.comparingInt(RefusedInputException::index));
            assertEquals(List.of(1, 2, 3, 4, 5), refused.stream().map(RefusedInputException::index).toList());
            assertEquals("context has no tokens", refused.get(1).reason());
            for (int i : new int[] {0, 2, 3, 4}) {
                assertEquals(refused.get(0).reason(), refused.get(i).reason(), "input " + refused.get(i).index());
            }
            assertEquals(qa.answer(List.of(questions.get(0)), List.of(context)).get(0), answers.get(0));
        }
    }

    /**
     * HF's pipeline classifies "" from {@code [CLS] [SEP]} alone ({@code tokenizer("")} gives
     * [101, 102] for bert-base-uncased; the fixture's small vocabulary has them at 2 and 3). A text of only characters BERT's normalizer drops (U+200B and U+00AD are
     * format characters, which its clean-up removes) tokenizes the same, and is classified the same,
     * as training featurizes it; "" and whitespace are refused as a likely mistake (a missing field).
     */
    @Test
    void aTextThatTokenizesToNothingIsClassifiedFromTheSpecialTokensAlone(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer()) {
            assertArrayEquals(new int[] {2, 3}, tok.encode("\u200b").ids());
            assertArrayEquals(new int[] {2, 3}, tok.encode("").ids());
        }
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor topic = model.predictor("topic");
            List<LabelPrediction> got = topic.classify(List.of("\u200b", "\u00ad\u200b"));
            assertEquals(got.get(0), got.get(1));
            assertEquals("the text is empty; expected a non-empty text",
                    assertThrows(RefusedInputException.class, () -> topic.classify(List.of(""))).reason());
        }
    }

    /**
     * A text of no-break spaces (U+00A0, U+2007, U+202F: Unicode's White_Space, and Zs, which
     * BERT's tokenizer reads as whitespace) is refused as a whitespace text is, as {@code tagTexts}
     * refused it: {@code String.isBlank} does not count them, so {@code classify} and {@code answer}
     * took it for a text and classified or answered from the special tokens alone, as if the field
     * held something (an HTML {@code &nbsp;} of an empty cell). Alone or mixed with a space, in a
     * text and a QA question alike.
     */
    @Test
    void aTextOfNoBreakSpacesIsRefusedAsWhitespace(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor topic = model.predictor("topic");
            List<String> texts = List.of("\u00a0", "\u2007 \u202f", "john");
            List<RefusedInputException> refused = new ArrayList<>();
            List<LabelPrediction> got = topic.classify(texts, refused::add);
            assertEquals(List.of(0, 1), refused.stream().map(RefusedInputException::index).toList());
            for (RefusedInputException e : refused) {
                assertEquals("the text is only whitespace; expected a non-empty text", e.reason());
            }
            assertEquals(topic.classify(List.of("john")).get(0), got.get(2));
            String context = "john visited paris.";
            assertEquals("the question is only whitespace; expected a non-empty question",
                    assertThrows(RefusedInputException.class,
                            () -> model.predictor("qa").answer(List.of("\u00a0"), List.of(context))).reason());
            assertEquals("the text is only whitespace; expected a non-empty text", assertThrows(
                    RefusedInputException.class, () -> model.predictor("ner").tagTexts(List.of("\u00a0"))).reason());
        }
    }

    /**
     * A pre-split word holding a no-break space (U+00A0, U+2007, U+202F) holds whitespace, as one
     * holding a space does: BERT's tokenizer splits it there, and the featurizer skips such a
     * sentence. {@code tag} checked with {@code Character.isWhitespace}, which does not count them,
     * so the featurizer's reason came back without the word or its index; it is now refused as a
     * word holding a space is, naming both.
     */
    @Test
    void aWordHoldingANoBreakSpaceIsRefusedAsOneHoldingASpace(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            TaskPredictor ner = model.predictor("ner");
            for (String word : List.of("john smith", "john\u00a0smith", "\u2007", "paris\u202f")) {
                assertEquals("word 1 is '" + word + "'; expected a non-empty word without whitespace (words are"
                        + " pre-split, as CoNLL)", assertThrows(RefusedInputException.class,
                                () -> ner.tag(List.of(List.of("visited", word)))).reason(),
                        () -> word.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList().toString());
            }
        }
    }
}
