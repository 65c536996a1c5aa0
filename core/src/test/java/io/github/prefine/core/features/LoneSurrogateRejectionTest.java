package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A text holding an unpaired UTF-16 surrogate (valid JSON: a "\ud83d" escape left by an emoji cut
 * in half) cannot be encoded by HF's tokenizers (Python raises on it). The contract: the tokenizer
 * rejects it with IllegalArgumentException and the featurizer skips and reports that example only.
 */
class LoneSurrogateRejectionTest {
    /** What Gson (the project's JSON reader) makes of a JSONL field with a cut emoji. */
    private static final String CUT = JsonParser.parseString("\"so happy \\ud83d today in Paris\"").getAsString();

    @Test
    void tokenizerRejectsWithIllegalArgument() throws IOException {
        for (String family : List.of("bert", "xlm-roberta")) {
            try (SubwordTokenizer tok = Fixtures.tokenizer(family)) {
                assertThrows(IllegalArgumentException.class, () -> tok.encode(CUT), family);
                assertThrows(IllegalArgumentException.class, () -> tok.encodePair("Why?", CUT), family);
                assertThrows(IllegalArgumentException.class, () -> tok.encodeBatch(List.of("fine", CUT)), family);
            }
        }
    }

    @Test
    void classificationSkipsAndReportsOnlyThatExample() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("bert")) {
            List<TextExample> exs = List.of(
                    new TextExample("t0", "John visited Paris.", null, "pos"),
                    new TextExample("t1", CUT, null, "pos"),
                    new TextExample("t2", "The bank opened.", null, "neg"));
            ClassificationFeatures f = ClassificationFeaturizer.builder().setTokenizer(tok)
                    .setLabels(List.of("neg", "pos")).build().featurize(exs);
            assertEquals(2, f.size());
            assertEquals(Map.of(ChunkEncoder.REJECTED, 1), f.report().skipped());
            assertEquals(List.of("t1"), f.report().skippedIds());
        }
    }

    @Test
    void multipleChoiceSkipsAndReportsOnlyThatExample() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            List<ChoiceExample> exs = List.of(
                    new ChoiceExample("c0", "The man broke his toe.", "cause", List.of("He dropped a hammer.", "He sang."), 0),
                    new ChoiceExample("c1", CUT, "effect", List.of("She smiled.", "She cried."), 0));
            ChoiceFeatures f = ChoiceFeaturizer.builder().setTokenizer(tok).build().featurize(exs);
            assertEquals(1, f.size());
            assertEquals(List.of("c1"), f.report().skippedIds());
        }
    }

    @Test
    void qaAndTokenClassificationSkipOnlyThatExample() throws IOException {
        try (SubwordTokenizer tok = Fixtures.tokenizer("xlm-roberta")) {
            String ctx = "Berlin is big.";
            QaFeatures q = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(64).optStride(8).build().featurize(List.of(
                    new QaExample("q0", "Where?", ctx, List.of(new GoldAnswer("Berlin", 0))),
                    new QaExample("q1", "Where?", CUT + " " + ctx, List.of(new GoldAnswer("Berlin", CUT.length() + 1)))));
            assertEquals(List.of("q1"), q.report().skippedIds());
            // an input the tokenizer cannot encode keeps the generic reason, not the stride's
            assertEquals(Map.of(ChunkEncoder.REJECTED, 1), q.report().skipped());
            TokenClassificationFeatures t = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                    .setLabels(List.of("O")).build().featurize(List.of(
                            new TokenExample("s0", List.of("John", "won"), List.of("O", "O")),
                            new TokenExample("s1", List.of("so", CUT.substring(9, 10), "today"), List.of("O", "O", "O"))));
            assertEquals(List.of("s1"), t.report().skippedIds());
        }
    }
}
