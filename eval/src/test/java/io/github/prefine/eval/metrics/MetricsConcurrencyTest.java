package io.github.prefine.eval.metrics;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.eval.testing.ConcurrentCalls;
import io.github.prefine.eval.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metric classes say "stateless and thread-safe" or "immutable and thread-safe": scored from
 * {@link ConcurrentCalls#THREADS} threads at once, CoNLL-2003 test tags and SQuAD dev answers give
 * what one thread gives.
 */
class MetricsConcurrencyTest {
    /**
     * Rounds per call: a call scores 11,000 CoNLL test tokens (or 529 SQuAD questions) for
     * milliseconds, so 16 threads on a 2-core runner are switched out mid-call within each round;
     * further rounds only repeat that interleaving (24 rounds over all 46,000 tokens took half a minute).
     */
    private static final int ROUNDS = 3;

    /**
     * Every fourth sentence of CoNLL-2003 test: sentences from every document, with every entity type,
     * hit and miss that the whole file has, in a quarter of the time per call.
     */
    private static List<List<String>> conllTest() throws IOException {
        List<List<String>> all = SharedData.conllTags("data/sl/conll2003/eng.testb");
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 4) {
            out.add(all.get(i));
        }
        return out;
    }

    /** The gold tags with every fifth token's tag altered and every eleventh set to O: a real mix of hits and misses. */
    private static List<List<String>> predicted(List<List<String>> gold) {
        List<List<String>> out = new ArrayList<>();
        int n = 0;
        for (List<String> sentence : gold) {
            List<String> p = new ArrayList<>();
            for (String tag : sentence) {
                n++;
                if (n % 11 == 0) {
                    p.add("O");
                } else if (n % 5 == 0 && tag.length() > 2) {
                    p.add((tag.charAt(0) == 'B' ? "I" : "B") + tag.substring(1));
                } else {
                    p.add(tag);
                }
            }
            out.add(p);
        }
        return out;
    }

    private static List<String> flat(List<List<String>> sentences) {
        List<String> out = new ArrayList<>();
        sentences.forEach(out::addAll);
        return out;
    }

    /** Two labels for binary F1: whether a token's tag names an entity. */
    private static List<String> entity(List<String> tags) {
        return tags.stream().map(t -> t.equals("O") ? "none" : "entity").toList();
    }

    @Test
    void spanF1AndItsExtractorAnswerAsOnOneThread() throws Exception {
        List<List<String>> gold = conllTest();
        List<List<String>> pred = predicted(gold);
        SpanF1 lenient = SpanF1.lenient();
        SpanF1 strict = SpanF1.strict(TagScheme.IOB2);
        ConcurrentCalls.agree("lenient span F1", ROUNDS, () -> lenient.score(gold, pred));
        ConcurrentCalls.agree("strict span F1", ROUNDS, () -> strict.score(gold, pred));
        ConcurrentCalls.agree("strict spans", ROUNDS, () -> strict.spans(pred));
        ConcurrentCalls.agree("lenient extractor", ROUNDS, () -> SpanExtractor.lenient(pred));
    }

    @Test
    void classificationMetricsAnswerAsOnOneThread() throws Exception {
        List<List<String>> tags = conllTest();
        List<String> gold = flat(tags);
        List<String> pred = flat(predicted(tags));
        ConcurrentCalls.agree("classification metrics", ROUNDS, () -> List.of(ClassificationMetrics.accuracy(gold, pred),
                ClassificationMetrics.macroF1(gold, pred), ClassificationMetrics.binaryF1(entity(gold), entity(pred), "entity"),
                ClassificationMetrics.perClass(gold, pred)));
    }

    @Test
    void squadMetricsAnswerAsOnOneThread() throws Exception {
        JsonObject dev = JsonParser.parseString(Files.readString(SharedData.require("data/qa/squad_v1.1/dev-v1.1.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        List<List<String>> golds = new ArrayList<>();
        int seen = 0;
        for (JsonElement article : dev.getAsJsonArray("data")) {
            for (JsonElement para : article.getAsJsonObject().getAsJsonArray("paragraphs")) {
                for (JsonElement qa : para.getAsJsonObject().getAsJsonArray("qas")) {
                    if (seen++ % 20 != 0) {
                        continue; // a twentieth of the 10,570 questions keeps the test short
                    }
                    List<String> g = new ArrayList<>();
                    qa.getAsJsonObject().getAsJsonArray("answers")
                            .forEach(a -> g.add(a.getAsJsonObject().get("text").getAsString()));
                    golds.add(g);
                }
            }
        }
        // a prediction per question: its first answer, its first answer less the last word, or the
        // next question's answer, so exact match, partial overlap and misses all occur
        List<String> predictions = new ArrayList<>();
        for (int i = 0; i < golds.size(); i++) {
            String first = golds.get(i).get(0);
            predictions.add(switch (i % 3) {
                case 0 -> first;
                case 1 -> first.contains(" ") ? first.substring(0, first.lastIndexOf(' ')) : first + " the";
                default -> golds.get((i + 1) % golds.size()).get(0);
            });
        }
        ConcurrentCalls.agree("SQuAD evaluate", ROUNDS, () -> SquadMetrics.evaluate(predictions, golds));
    }
}
