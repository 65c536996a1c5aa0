package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sentence longer than the task's maxLength: the words cut off are tagged O, and the prediction
 * says how many there are, so that an O the model chose and an O nobody read can be told apart.
 */
class TaskPredictorTruncationTest {
    @Test
    void saysHowManyWordsTheMaxLengthCutOff(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        // "john" and "paris" are whole entries of the fixture's vocabulary, one sub-token each, and a
        // row of maxLength 32 holds [CLS], 30 words and [SEP]
        assertEquals(32, TinyFinetuning.SETTINGS.maxLength());
        List<String> sixty = words(60);
        List<String> thirty = words(30);
        // U+200B has no sub-token under BERT's normalizer: the last word is not cut, it is empty
        List<String> tokenlessLast = new ArrayList<>(thirty);
        tokenlessLast.add("\u200b");
        List<String> mid = words(31);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<TagPrediction> p = model.predictor("ner").tag(List.of(sixty, thirty, tokenlessLast, mid));
            assertEquals(30, p.get(0).wordsCut());
            assertEquals(Collections.nCopies(30, "O"), p.get(0).tags().subList(30, 60));
            assertEquals(0, p.get(1).wordsCut());
            assertEquals(0, p.get(2).wordsCut());
            assertEquals(1, p.get(3).wordsCut());
            assertEquals("O", p.get(3).tags().get(30));
        }
    }

    /**
     * A text longer than maxLength is classified from its first tokens: the prediction says so,
     * as a tagger's {@code wordsCut} does, so that the loss is not silent.
     */
    @Test
    void saysWhetherTheMaxLengthCutAText(@TempDir Path tmp) throws Exception {
        Path saved = TinyFinetuning.saveUntrained(tmp.resolve("saved"));
        // one sub-token per word: [CLS], 30 words and [SEP] fill a row of 32; a 31st word is cut
        String thirty = String.join(" ", words(30));
        String thirtyOne = String.join(" ", words(31));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<LabelPrediction> p = model.predictor("topic").classify(List.of(thirtyOne, thirty, "john"));
            assertEquals(List.of(true, false, false), p.stream().map(LabelPrediction::cut).toList());
        }
    }

    private static List<String> words(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i % 2 == 0 ? "john" : "paris");
        }
        return out;
    }
}
