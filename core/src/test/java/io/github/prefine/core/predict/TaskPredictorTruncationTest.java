package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
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

    /**
     * A multiple-choice input is one pair per choice, [CLS] premise (and question) [SEP] choice
     * [SEP], cut at maxLength as a text pair is; the prediction says whether any of its choices was
     * cut, as a text pair's does (it was cut without a word). Counted by hand: one sub-token per
     * word, so 28 premise words and a one-word choice fill the 32 tokens, 29 do not, and a question
     * adds its word to the premise.
     */
    @Test
    void saysWhetherTheMaxLengthCutAChoice(@TempDir Path tmp) throws Exception {
        Path saved = tmp.resolve("saved");
        try (NDManager m = NDManager.newBaseManager(); SubwordTokenizer tok = TinyFinetuning.tokenizer();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(TinyFinetuning.bert().resolve("encoder"), m).encoder())
                        .addHead("copa", TaskFormat.CHOICE.newHead(2, HeadFamily.BERT, 5)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(TinyFinetuning.SETTINGS)
                    .addTask("copa", TaskFormat.CHOICE, List.of()).build().writeTo(saved);
        }
        String fits = String.join(" ", words(28));
        String over = String.join(" ", words(29));
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(saved, m)) {
            List<ChoicePrediction> p = model.predictor("copa").choose(List.of(fits, over, fits, fits),
                    List.of("", "", "", "paris"), List.of(List.of("john", "paris"), List.of("john", "paris"),
                            List.of("john", "john paris"), List.of("john", "paris")));
            assertEquals(List.of(false, true, true, true), p.stream().map(ChoicePrediction::cut).toList());
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
