package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the model folders prediction loads: a folder prefine saved ({@code
 * prefine-model.json} and the files it lists) and an HF task folder ({@code
 * fixtures/hf-reference/bert}'s sequence, token and QA models). Any JSON value in the manifest (a
 * manifest that still reads is loaded with the folder and its first task used), in
 * an HF {@code config.json} or in its {@code tokenizer.json} removed or replaced by one of another
 * kind or range (ids past the vocabulary included), and any file of the saved folder cut at a byte
 * or with a byte changed, loads (and, for a tokenizer, classifies every word of its vocabulary) or
 * is refused with an {@link IOException} or {@link IllegalArgumentException} whose message names
 * the file, never another exception.
 */
class SavedModelProperties {
    private static final List<String> HF_TASKS = List.of("sequence-classification", "token-classification",
            "question-answering");
    private static Path dir;
    private static Path saved;
    private static List<Path> savedFiles;
    private static int serial;

    @BeforeContainer
    static void save() throws Exception {
        dir = Files.createTempDirectory("saved-model-properties");
        saved = TinyFinetuning.saveUntrained(dir.resolve("saved"));
        try (var files = Files.walk(saved)) {
            savedFiles = files.filter(Files::isRegularFile).map(saved::relativize).sorted().toList();
        }
    }

    @AfterContainer
    static void removeDir() throws IOException {
        TestFiles.deleteTree(dir);
    }

    @Provide
    Arbitrary<JsonElement> values() {
        return Arbitraries.oneOf(
                Arbitraries.of(JsonNull.INSTANCE, new JsonPrimitive(true), new JsonPrimitive("x"), new JsonPrimitive(""),
                        new JsonPrimitive("choice"), new JsonPrimitive("qa"), new JsonPrimitive("text"),
                        new JsonPrimitive("LABEL_0"), new JsonPrimitive("BertForTokenClassification"),
                        new JsonPrimitive("prefine-multi-head-model/1"), new JsonPrimitive("../encoder/tokenizer.json"),
                        new JsonArray(), new JsonObject(), new JsonPrimitive(Double.NaN),
                        new JsonPrimitive(new BigDecimal("1e400")), new JsonPrimitive(new BigDecimal("2.5")),
                        new JsonPrimitive(2147483648L)),
                Arbitraries.integers().between(-3, 70).map(JsonPrimitive::new),
                // the fixture's vocabulary has 362 entries
                Arbitraries.of(361, 362, 5000).map(JsonPrimitive::new),
                Arbitraries.integers().map(JsonPrimitive::new),
                Arbitraries.of(0, 1, 5).map(n -> {
                    JsonArray a = new JsonArray();
                    a.add(n);
                    return a;
                }),
                Arbitraries.of("0", "7", "-1", "x").map(k -> {
                    JsonObject o = new JsonObject();
                    o.addProperty(k, "LABEL_0");
                    return o;
                }));
    }

    @Property(tries = 200)
    void aManifestValueOfAnyKindIsReadOrRefusedNamingTheFile(@ForAll @IntRange(min = 0, max = 10_000) int at,
            @ForAll("values") JsonElement value, @ForAll boolean remove) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(saved.resolve(ModelManifest.FILE)));
        String where = mutate(root, at, value, remove);
        Path folder = Files.createDirectory(dir.resolve("m" + serial++));
        Path file = folder.resolve(ModelManifest.FILE);
        Files.writeString(file, root.toString());
        try {
            ModelManifest.read(folder);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(String.valueOf(e.getMessage()).contains(file.toString()), where + ": " + e);
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(where + " failed with " + e, e);
        }
        // a manifest that reads is loaded with the rest of the folder, and its first task used
        Files.delete(file);
        copyTree(saved, folder);
        Files.writeString(file, root.toString());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(folder, m)) {
            TaskPredictor p = model.predictor(model.tasks().get(0).name());
            if (p.takesTextsAndPairs() || p.task().format() == TaskFormat.SINGLE_TEXT) {
                assertTrue(p.classify(List.of("john walked to paris")).size() == 1, where);
            }
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            // the manifest's names and counts are told against the files that should match them
            assertTrue(message.contains(ModelManifest.FILE) || message.startsWith(folder.resolve("heads.safetensors") + ": ")
                    || message.contains("tokenizer"), where + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(where + " failed with " + e, e);
        } finally {
            TestFiles.deleteTree(folder);
        }
    }

    @Property(tries = 60)
    void aSavedFolderWithAFileCutOrChangedLoadsOrIsRefusedNamingTheFile(
            @ForAll @IntRange(min = 0, max = 1_000_000) int at, @ForAll @IntRange(min = -1, max = 255) int newByte,
            @ForAll @IntRange(min = 0, max = 100) int which) throws IOException {
        Path folder = dir.resolve("f" + serial++);
        copyTree(saved, folder);
        Path rel = savedFiles.get(which % savedFiles.size());
        Path file = folder.resolve(rel);
        byte[] bytes = Files.readAllBytes(file);
        // JSON files hold their defects anywhere; a safetensors file's in its header, near the start
        int span = rel.toString().endsWith(".safetensors") ? Math.min(bytes.length, 4096) : bytes.length;
        int pos = at % span;
        byte[] changed = newByte < 0 ? Arrays.copyOf(bytes, pos) : bytes.clone();
        if (newByte >= 0) {
            changed[pos] = (byte) newByte;
        }
        Files.write(file, changed);
        String what = rel + (newByte < 0 ? " cut at byte " + pos : " byte " + pos + " set to " + newByte);
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.load(folder, m)) {
            assertTrue(model.tasks().size() > 0, what);
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            // a size the weights do not have is told by the tensors, against the config's
            boolean sizeOfConfig = rel.endsWith("config.json")
                    && message.startsWith(file.resolveSibling("model.safetensors") + ": ");
            // a task name changed in the manifest, still JSON, is told as its tensors missing from the heads
            boolean renamedTask = rel.endsWith(ModelManifest.FILE) && message.startsWith(folder.resolve("heads.safetensors") + ": tensor ")
                    && message.endsWith(" is missing");
            assertTrue(message.contains(rel.getFileName().toString()) || sizeOfConfig || renamedTask, what + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " failed with " + e, e);
        } finally {
            TestFiles.deleteTree(folder);
        }
    }

    @Property(tries = 100)
    void anHfConfigValueOfAnyKindLoadsOrIsRefusedNamingTheFile(@ForAll @IntRange(min = 0, max = 2) int task,
            @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll("values") JsonElement value,
            @ForAll boolean remove) throws IOException {
        Path source = SharedFixtures.require("fixtures/hf-reference/bert/" + HF_TASKS.get(task));
        Path folder = Files.createDirectory(dir.resolve("h" + serial++));
        for (String name : List.of("model.safetensors", "tokenizer.json")) {
            Files.copy(source.resolve(name), folder.resolve(name));
        }
        JsonElement root = JsonParser.parseString(Files.readString(source.resolve("config.json")));
        String where = HF_TASKS.get(task) + " " + mutate(root, at, value, remove);
        Files.writeString(folder.resolve("config.json"), root.toString());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(folder, m)) {
            assertTrue(model.tasks().size() > 0, where);
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            // a size the weights do not have is told by the tensors, against the config's
            assertTrue(message.contains("config.json") || message.startsWith(folder.resolve("model.safetensors") + ": "),
                    where + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(where + " failed with " + e, e);
        }
    }

    @Property(tries = 60)
    void anHfTokenizerValueOfAnyKindLoadsAndPredictsOrIsRefusedNamingTheFile(
            @ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll("values") JsonElement value,
            @ForAll boolean remove) throws IOException {
        Path source = SharedFixtures.require("fixtures/hf-reference/bert/sequence-classification");
        Path folder = Files.createDirectory(dir.resolve("t" + serial++));
        for (String name : List.of("model.safetensors", "config.json")) {
            Files.copy(source.resolve(name), folder.resolve(name));
        }
        JsonElement root = JsonParser.parseString(Files.readString(source.resolve("tokenizer.json")));
        String where = "tokenizer.json " + mutate(root, at, value, remove);
        Files.writeString(folder.resolve("tokenizer.json"), root.toString());
        try (NDManager m = NDManager.newBaseManager(); FinetunedModel model = FinetunedModel.loadHuggingFace(folder, m)) {
            // every word of the vocabulary, so that an id the mutation changed is looked up
            List<String> words = new ArrayList<>(JsonParser.parseString(Files.readString(source.resolve("tokenizer.json")))
                    .getAsJsonObject().getAsJsonObject("model").getAsJsonObject("vocab").keySet());
            List<LabelPrediction> got = model.predictor(model.tasks().get(0).name())
                    .classify(List.of(String.join(" ", words.subList(0, 180)), String.join(" ", words.subList(180,
                            words.size()))));
            assertTrue(got.size() == 2, where);
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains("tokenizer.json"), where + ": " + e);
        } catch (RuntimeException e) {
            throw new AssertionError(where + " failed with " + e, e);
        }
    }

    /**
     * Replaces or removes the element at a place of a depth-first walk of the tree (the root itself
     * is never one), returning the place as a JSON path.
     */
    private static String mutate(JsonElement root, int at, JsonElement value, boolean remove) {
        List<Object[]> places = new ArrayList<>();
        walk(root, "$", places);
        Object[] place = places.get(at % places.size());
        String path = (String) place[0];
        JsonElement parent = (JsonElement) place[1];
        Object key = place[2];
        if (parent.isJsonObject()) {
            if (remove) {
                parent.getAsJsonObject().remove((String) key);
            } else {
                parent.getAsJsonObject().add((String) key, value.deepCopy());
            }
        } else if (remove) {
            parent.getAsJsonArray().remove((int) key);
        } else {
            parent.getAsJsonArray().set((int) key, value.deepCopy());
        }
        return path + (remove ? " removed" : " = " + value);
    }

    private static void walk(JsonElement e, String path, List<Object[]> out) {
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
                out.add(new Object[] {path + "." + m.getKey(), e, m.getKey()});
                walk(m.getValue(), path + "." + m.getKey(), out);
            }
        } else if (e.isJsonArray()) {
            for (int i = 0; i < e.getAsJsonArray().size(); i++) {
                out.add(new Object[] {path + "[" + i + "]", e, i});
                walk(e.getAsJsonArray().get(i), path + "[" + i + "]", out);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        for (Path rel : savedFiles) {
            Files.createDirectories(to.resolve(rel).getParent());
            Files.copy(from.resolve(rel), to.resolve(rel));
        }
    }
}
