package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.TestFolders;
import io.github.prefine.core.model.TestHeads;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A checkpoint that cannot be resumed in full is refused before anything changes: a resume
 * replaced the model's weights, then the optimiser's state, then the best weights, and one that
 * failed partway left the model holding the checkpoint's weights, so the next trainer over it (after
 * the user emptied the checkpoint folder, as the error says) trained from the wrong start. Each
 * case is a real checkpoint written by a real {@code fit()} killed after its first epoch, then
 * damaged; the ground truth is the model's own bytes before the failed {@code fit()} and an
 * uninterrupted run of a fresh model of the same seed.
 */
class TrainerResumeRefusalTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(43, 24, 8, TrainerTest.THREE);
    private static final int TRAIN = 24;

    private static HeterogeneousBatchSampler sampler() {
        return new HeterogeneousBatchSampler(HeterogeneousSampler.builder().setTaskSizes(TRAIN, TRAIN, TRAIN)
                .setBatchSize(8).optSeed(3).build());
    }

    private static Trainer.Builder builder(MultiHeadModel model) {
        return Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2).optMaxEpochs(2)
                .optSeed(5).optSampler(sampler());
    }

    /*
     * Most cases damage the same checkpoint and compare with the same uninterrupted run: both are
     * made once for the class (the run is seeded, so each would be the same bits again), and a case
     * damages its own copy of the checkpoint's folder.
     */
    @TempDir
    static Path shared;
    private static Path killed;
    private static List<byte[]> uninterrupted;

    /**
     * A copy in {@code dir} of the checkpoint folder that {@link #killedAfterOneEpoch(Path,
     * TaskHead...)} writes for the default model, and the checkpoint's folder within it.
     */
    private static synchronized Path killedAfterOneEpoch(Path dir) throws Exception {
        if (killed == null) {
            killed = shared.resolve("killed");
            killedAfterOneEpoch(killed, new TaskHead[0]);
        }
        TestFolders.copy(killed, dir);
        return dir.resolve(Files.readString(dir.resolve("LATEST"), StandardCharsets.UTF_8).trim());
    }

    /** The weights of a fresh model of the cases' seed after an uninterrupted run of 1 epoch. */
    private static synchronized List<byte[]> uninterrupted() throws Exception {
        if (uninterrupted == null) {
            try (NDManager root = NDManager.newBaseManager();
                    MultiHeadModel fresh = TrainerTest.model(root, TASKS, 3);
                    Trainer whole = builder(fresh).optMaxEpochs(1).build()) {
                assertEquals(1, whole.fit().epochs().size());
                uninterrupted = bytes(fresh);
            }
        }
        return uninterrupted;
    }

    /** Writes the checkpoint of a run of 2 epochs killed after its first, and returns its folder. */
    private static Path killedAfterOneEpoch(Path dir, TaskHead... heads) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3, heads)) {
            return killedAfterOneEpoch(builder(model), dir);
        }
    }

    /** Writes the checkpoint of {@code run}'s first epoch into {@code dir}, kills it there, and returns its folder. */
    static Path killedAfterOneEpoch(Trainer.Builder run, Path dir) throws Exception {
        try (Trainer t = run.optCheckpointDir(dir).addListener(new TrainingListener() {
            @Override
            public void onCheckpoint(Path at, int epochs) {
                throw new IllegalStateException("killed");
            }
        }).build()) {
            assertThrows(IllegalStateException.class, t::fit);
        }
        return dir.resolve(Files.readString(dir.resolve("LATEST"), StandardCharsets.UTF_8).trim());
    }

    private static List<byte[]> bytes(MultiHeadModel model) {
        List<byte[]> out = new ArrayList<>();
        for (NamedParameter p : model.parameters()) {
            out.add(p.parameter().getArray().toByteArray());
        }
        return out;
    }

    private static void assertSameBytes(List<byte[]> expected, MultiHeadModel model, String what) {
        List<byte[]> actual = bytes(model);
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": " + model.parameters().get(i).key());
        }
    }

    private static void empty(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /**
     * Resumes the damaged checkpoint in {@code dir} into a fresh model and checks that {@code
     * fit()} fails naming {@code file}, with each of {@code expected} in its message, and changes
     * nothing: the model's bytes, the optimiser (no moments, no step counts) and the sampler are as
     * they were built. Then, with the checkpoint folder emptied as the message says, a new trainer
     * over the same model and sampler trains to the bits of an uninterrupted run.
     */
    private static void refusedChangingNothing(Path dir, Path file, String... expected) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3)) {
            List<byte[]> before = bytes(model);
            HeterogeneousBatchSampler shared = sampler();
            byte[] samplerBefore = shared.saveState();
            try (Trainer failing = builder(model).optSampler(shared).optCheckpointDir(dir).build()) {
                IOException e = assertThrows(IOException.class, failing::fit);
                String m = e.getMessage();
            assertTrue(m.startsWith(file + ": "), m);
                for (String x : expected) {
                    assertTrue(m.contains(x), x + " in: " + m);
                }
                assertTrue(m.endsWith("; this checkpoint cannot be resumed, and nothing was restored: empty the"
                        + " checkpoint folder " + dir + ", or give the trainer another one, to start the run afresh"), m);
                // the optimiser took nothing either: no moments, no step counts
                AdamW optimizer = failing.trainingStep().optimizer();
                assertEquals(0, optimizer.stepCounts().size(), "step counts");
                try (NDManager views = root.newSubManager()) {
                    assertEquals(0, optimizer.momentArrays(views).size(), "moments");
                }
                assertEquals(0, failing.globalStep());
                assertSameBytes(before, model, "model inside the failed trainer");
            }
            assertSameBytes(before, model, "model after the failed fit()");
            assertArrayEquals(samplerBefore, shared.saveState(), "sampler");

            empty(dir);
            // one epoch shows it: a changed weight, moment, step count or sampler state changes the first step
            try (Trainer retry = builder(model).optMaxEpochs(1).optSampler(shared).optCheckpointDir(dir).build()) {
                assertEquals(1, retry.fit().epochs().size());
            }
            assertSameBytes(uninterrupted(), model, "retried run against an uninterrupted one");
        }
    }

    /** A file of a real checkpoint cut in half or deleted, and what the refusal says of it. */
    enum Damage {
        CUT_OPTIMIZER("optimizer.ndlist", true, "cannot be read as a tensor archive",
                "the file should hold the optimiser's moments"),
        CUT_BEST("best.ndlist", true, "cannot be read as a tensor archive",
                "the file should hold the best epoch's weights"),
        /** Its steps were resumed with zero moments, silently. */
        MISSING_OPTIMIZER("optimizer.ndlist", false, "is missing", "state.json records optimiser steps"),
        /** The run ended with its last epoch's weights as the best's, silently. */
        MISSING_BEST("best.ndlist", false, "is missing", "state.json records an epoch that improved"),
        /** The message was the path alone, with nothing on what was wrong. */
        MISSING_STATE("state.json", false, "is missing", "expected the run's training state");

        final String file;
        final boolean cut;
        final String[] expected;

        Damage(String file, boolean cut, String... expected) {
            this.file = file;
            this.cut = cut;
            this.expected = expected;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    void aCheckpointWithADamagedOrMissingFileChangesNothing(Damage damage, @TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        Path file = killedAfterOneEpoch(dir).resolve(damage.file);
        if (damage.cut) {
            byte[] whole = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        } else {
            Files.delete(file);
        }
        refusedChangingNothing(dir, file, damage.expected);
    }

    @Test
    void aCheckpointOfAModelWithAnotherHeadSizeChangesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        // the writer's token head tags 5 labels where the resuming model's tags 3
        Path at = killedAfterOneEpoch(dir, TaskFormat.TOKEN.newHead(5, HeadFamily.BERT, 0));
        // the parameter whose shape differs, and both shapes, from the two models themselves
        String key = null;
        Shape written = null;
        Shape wanted = null;
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel writer = TrainerTest.model(root, TASKS, 3, TaskFormat.TOKEN.newHead(5, HeadFamily.BERT, 0));
                MultiHeadModel reader = TrainerTest.model(root, TASKS, 3)) {
            for (int i = 0; i < reader.parameters().size(); i++) {
                NamedParameter r = reader.parameters().get(i);
                NamedParameter w = writer.parameters().get(i);
                assertEquals(r.key(), w.key());
                Shape s = w.parameter().getArray().getShape();
                if (!s.equals(r.parameter().getArray().getShape()) && key == null) {
                    key = r.key();
                    written = s;
                    wanted = r.parameter().getArray().getShape();
                }
            }
        }
        assertNotNull(key, "the two models differ in a shape");
        refusedChangingNothing(dir, at.resolve("model.ndlist"), key + " has shape " + written + ", expected " + wanted);
    }

    /**
     * A NaN in a checkpoint's weights or best weights is refused while the checkpoint is read:
     * setValues came to refuse it only once the sampler had taken its state, and the best weights,
     * taken in unchecked, were refused only when the resumed run ended.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"model.ndlist", "best.ndlist"})
    void aCheckpointHoldingANanWeightChangesNothing(String name, @TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        Path file = killedAfterOneEpoch(dir).resolve(name);
        String key;
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Map<String, ai.djl.ndarray.NDArray> values = new java.util.LinkedHashMap<>(
                    io.github.prefine.core.model.internal.TensorArchive.read(file, m));
            key = values.keySet().iterator().next();
            ai.djl.ndarray.NDArray a = values.get(key);
            values.put(key, m.full(a.getShape(), Float.NaN, a.getDataType()));
            io.github.prefine.core.model.internal.TensorArchive.write(file, values);
        }
        refusedChangingNothing(dir, file, key + " holds NaN or infinite values");
    }

    /**
     * A checkpoint of a model with other tasks (another run's folder given by mistake) is refused
     * naming both models' heads, from the manifest every checkpoint records; the message was the
     * first key the optimiser did not know ("step count of unknown parameter heads.token0..."),
     * which said nothing of another model.
     */
    @Test
    void aCheckpointOfAModelWithOtherTasksIsRefusedNamingBothModelsHeads(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        SyntheticTasks other = new SyntheticTasks(43, TRAIN, 8, TestHeads.Kind.TOKEN, TestHeads.Kind.TOKEN,
                TestHeads.Kind.SEQUENCE);
        Path at;
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, other, 3)) {
            at = killedAfterOneEpoch(Trainer.builder().setModel(model).setData(other).optLearningRate(1e-2)
                    .optMaxEpochs(2).optSeed(5).optSampler(sampler()), dir);
        }
        refusedChangingNothing(dir, at.resolve("state.json"), "written for a model with heads [token0, token1,"
                + " sequence], but this model has heads " + TASKS.taskNames());
    }

    @Test
    void aCheckpointWhoseStateCountsStepsOfAParameterTheModelLacksChangesNothing(@TempDir Path tmp) throws Exception {
        // the optimiser refused it after the model had taken the checkpoint's weights
        Path dir = tmp.resolve("ckpt");
        Path file = killedAfterOneEpoch(dir).resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        json.getAsJsonObject("stepCounts").addProperty("heads.gone.classifier.weight", 1);
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
        refusedChangingNothing(dir, file, "step count of unknown parameter heads.gone.classifier.weight");
    }

    /**
     * A hand-edited state.json whose counts disagree resumed the schedule at the wrong step without
     * a word. The checkpoint here is written after one epoch of 3 x 24 units in batches of 8, so 9
     * steps, each updating the encoder (float32 skips none): globalStep must be 1 x 9 and the
     * encoder's count 9 - 0.
     */
    @Test
    void aStateWhoseStepCountsDisagreeIsRefusedNamingTheRelationAndChangesNothing(@TempDir Path tmp) throws Exception {
        record Case(String name, java.util.function.Consumer<JsonObject> edit, String expected) {}
        List<Case> cases = List.of(
                // globalStep and every count moved on by an epoch's steps: only the epoch relation fails
                new Case("globalStep", j -> {
                    j.addProperty("globalStep", 18);
                    JsonObject counts = j.getAsJsonObject("stepCounts");
                    counts.keySet().forEach(k -> counts.addProperty(k, counts.get(k).getAsLong() + 9));
                }, "globalStep is 18, expected epochsDone x batches per epoch = 1 x 9 = 9"),
                new Case("encoder", j -> {
                    JsonObject counts = j.getAsJsonObject("stepCounts");
                    counts.keySet().stream().filter(k -> k.startsWith("encoder.")).forEach(k -> counts.addProperty(k, 8));
                }, "the encoder's step count (stepCounts) is 8, expected globalStep - skippedSteps = 9 - 0 = 9"));
        for (Case c : cases) {
            Path dir = tmp.resolve(c.name());
            Path file = killedAfterOneEpoch(dir).resolve("state.json");
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            // the ground truth of the unedited checkpoint, counted by hand
            assertEquals(9, json.get("globalStep").getAsLong(), "3 x 24 units in batches of 8");
            JsonObject counts = json.getAsJsonObject("stepCounts");
            assertTrue(counts.keySet().stream().filter(k -> k.startsWith("encoder.")).allMatch(k -> counts.get(k)
                    .getAsLong() == 9) && counts.keySet().stream().anyMatch(k -> k.startsWith("encoder.")), counts.toString());
            c.edit().accept(json);
            Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
            refusedChangingNothing(dir, file, c.expected());
        }
    }

    @Test
    void aStateThatIsNotUtf8IsNamedAndChangesNothing(@TempDir Path tmp) throws Exception {
        // the message was the decoder's "Input length = 1", naming no file
        Path dir = tmp.resolve("ckpt");
        Path file = killedAfterOneEpoch(dir).resolve("state.json");
        byte[] text = Files.readAllBytes(file);
        // a Latin-1 e-acute inside the first string: a byte no UTF-8 text holds alone
        int quote = new String(text, StandardCharsets.US_ASCII).indexOf('"');
        byte[] damaged = Arrays.copyOf(text, text.length);
        damaged[quote + 1] = (byte) 0xE9;
        Files.write(file, damaged);
        long line = 1 + new String(text, 0, quote, StandardCharsets.US_ASCII).chars().filter(c -> c == '\n').count();
        refusedChangingNothing(dir, file, "line " + line + " (byte " + (quote + 1) + ") holds 0xE9, not UTF-8",
                "expected the run's training state");
    }

    @Test
    void aCheckpointWhoseSamplerStateTheSamplerRefusesLeavesTheSamplerToTheNextTrainer(@TempDir Path tmp)
            throws Exception {
        // the sampler kept its own state, but the failed trainer kept its claim on it, so the retry
        // over the same sampler was refused as "advanced by another trainer's fit()"
        Path dir = tmp.resolve("ckpt");
        Path file = killedAfterOneEpoch(dir).resolve("state.json");
        garbleSamplerState(file);
        refusedChangingNothing(dir, file, "the sampler cannot take its samplerState");
    }

    /** Replaces a state.json's samplerState with bytes of the sampler's format header and no state. */
    static void garbleSamplerState(Path file) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        JsonArray garbled = new JsonArray();
        for (byte b : "prefine-sampler;no state".getBytes(StandardCharsets.US_ASCII)) {
            garbled.add(b);
        }
        json.add("samplerState", garbled);
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
    }
}
