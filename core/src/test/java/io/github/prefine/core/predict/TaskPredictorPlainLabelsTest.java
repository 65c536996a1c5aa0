package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.eval.metrics.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face token classifier whose labels carry no B-/I- prefix (IO tagging, or HF's default
 * {@code LABEL_k} names) gets entities typed by the whole label, as HF's token-classification
 * pipeline reads such a label (as {@code I-} of itself); seqeval's default mode would type
 * {@code PER} as {@code ER} and drop {@code ORG} as outside, since it reads the first letter as the
 * prefix. The expected entities are computed here from the predicted tags by HF's rule, by hand.
 */
class TaskPredictorPlainLabelsTest {
    @Test
    void unprefixedLabelsAreTheirOwnEntityTypes(@TempDir Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/token-classification");
        Path folder = tmp.resolve("io-tags");
        Files.createDirectories(folder);
        for (String f : List.of("model.safetensors", "tokenizer.json")) {
            Files.copy(fixture.resolve(f), folder.resolve(f));
        }
        JsonObject config = JsonParser.parseString(Files.readString(fixture.resolve("config.json"))).getAsJsonObject();
        List<String> labels = List.of("O", "ORG", "PER", "B-LOC", "I-LOC");
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(Integer.toString(i), labels.get(i));
            label2id.addProperty(labels.get(i), i);
        }
        config.add("id2label", id2label);
        config.add("label2id", label2id);
        Files.writeString(folder.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);

        List<List<String>> sentences = List.of(
                List.of("Stabilized", "approach", "or", "not", "?", "That", "s", "insane", "and", "good", "."),
                List.of("You", "should", "have", "stayed", "on", "Redondo", "Beach", "Blvd", "."),
                List.of("the", "borderlines", "of", "Gardena", "/", "Compton", "in", "Los", "Angeles"));
        try (NDManager manager = NDManager.newBaseManager();
                FinetunedModel model = FinetunedModel.loadHuggingFace(folder, manager)) {
            List<TagPrediction> got = model.predictor(model.tasks().get(0).name()).tag(sentences);
            boolean plain = false;
            for (int s = 0; s < got.size(); s++) {
                List<String> tags = got.get(s).tags();
                plain |= tags.contains("ORG") || tags.contains("PER");
                assertEquals(hfEntities(s, tags), got.get(s).entities(), "sentence " + s + ": " + tags);
            }
            assertTrue(plain, "the fixture's random head should predict an unprefixed label somewhere");
        }
    }

    /** HF's pipeline: B-X starts X, I-X continues X (else starts it), a bare X is I-X, O ends. */
    private static List<Span> hfEntities(int sentence, List<String> tags) {
        List<Span> out = new ArrayList<>();
        String type = null;
        int begin = 0;
        for (int i = 0; i <= tags.size(); i++) {
            String t = i < tags.size() ? tags.get(i) : "O";
            boolean b = t.startsWith("B-");
            String ty = t.equals("O") ? null : t.startsWith("B-") || t.startsWith("I-") ? t.substring(2) : t;
            if (type != null && (ty == null || b || !ty.equals(type))) {
                out.add(new Span(sentence, begin, i, type));
                type = null;
            }
            if (ty != null && type == null) {
                type = ty;
                begin = i;
            }
        }
        return out;
    }
}
