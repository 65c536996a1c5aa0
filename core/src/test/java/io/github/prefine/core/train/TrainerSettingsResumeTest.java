package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.model.internal.TensorArchive;
import io.github.prefine.core.testing.CapturedLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records the optimiser's settings, and a resume under others is refused: the
 * trainer promises that a resumed run ends bit for bit as the uninterrupted one, which a run
 * continued under another weight decay, beta, epsilon, clipping norm or decay filter cannot.
 * A checkpoint written before the settings were recorded still resumes, with a warning.
 */
class TrainerSettingsResumeTest {
    private static final SyntheticTasks TASKS = new SyntheticTasks(41, 32, 16, TrainerTest.THREE);

    /** The run's own settings: weight decay on, so the decay filter matters. */
    private static AdamW.Builder recorded() {
        return AdamW.builder().optWeightDecay(0.01);
    }

    private static Trainer.Builder builder(MultiHeadModel model, AdamW.Builder optimizer) {
        return Trainer.builder().setModel(model).setData(TASKS).optBatchSize(8).optLearningRate(1e-2).optMaxEpochs(2)
                .optSeed(5).optOptimizer(optimizer);
    }

    private static Trainer trainer(MultiHeadModel model, Path dir, AdamW.Builder optimizer) throws IOException {
        Trainer.Builder b = builder(model, optimizer);
        return (dir == null ? b : b.optCheckpointDir(dir)).build();
    }

    /** A run of 2 epochs killed after its first checkpoint. */
    private static void killedAfterOneEpoch(Path dir) throws Exception {
        killedAfterOneEpoch(dir, (b, root) -> b);
    }

    /** Changes a trainer's builder; the model's manager gives replicas their device. */
    private interface Tweak {
        Trainer.Builder apply(Trainer.Builder b, NDManager root);
    }

    /** Two replicas on the model's device, as {@code TrainerTest} runs data parallel on a CPU. */
    private static final Tweak TWO_REPLICAS = (b, root) -> b.optDevices(List.of(root.getDevice(), root.getDevice()));

    /** A run of 2 epochs killed after its first checkpoint, built with a tweak. */
    private static void killedAfterOneEpoch(Path dir, Tweak tweak) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = tweak.apply(builder(model, recorded()), root).optCheckpointDir(dir)
                        .addListener(new TrainingListener() {
                    @Override
                    public void onCheckpoint(Path at, int epochs) {
                        throw new IllegalStateException("killed");
                    }
                }).build()) {
            assertThrows(IllegalStateException.class, t::fit);
        }
    }

    /** Trains (or resumes) to the end and returns the final weights' bytes. */
    private static byte[] finish(Path dir, AdamW.Builder optimizer, Path weights) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = trainer(model, dir, optimizer)) {
            FitResult r = t.fit();
            assertEquals(2, r.epochs().size());
            // the final weights are the best epoch's: they show the resumed epoch only where it is the best
            assertEquals(1, r.bestEpoch(), "best epoch");
            TensorArchive.write(weights, MultiHeadModel.arrays(model.parameters()));
        }
        return Files.readAllBytes(weights);
    }

    private static IOException refused(Path dir, AdamW.Builder optimizer) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = trainer(model, dir, optimizer)) {
            return assertThrows(IOException.class, t::fit);
        }
    }

    /** Resumes with a tweak, to the end (2 epochs); null where it finished, else the refusal. */
    private static IOException resumed(Path dir, Tweak tweak) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                MultiHeadModel model = TrainerTest.model(root, TASKS, 3);
                Trainer t = tweak.apply(builder(model, recorded()), root).optCheckpointDir(dir).build()) {
            t.fit();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** A run killed after its first checkpoint, whose state.json manifest is then edited; returns the checkpoint. */
    private static Path killedWithManifest(Path dir, java.util.function.Consumer<JsonObject> edit) throws Exception {
        killedAfterOneEpoch(dir);
        Path at = published(dir);
        Path state = at.resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(state, StandardCharsets.UTF_8)).getAsJsonObject();
        edit.accept(json.getAsJsonObject("manifest"));
        Files.writeString(state, json.toString(), StandardCharsets.UTF_8);
        return at;
    }

    /** The checkpoint folder's {@code LATEST} names, resolved. */
    static Path published(Path dir) throws IOException {
        return dir.resolve(Files.readString(dir.resolve("LATEST"), StandardCharsets.UTF_8).trim());
    }

    @Test
    void aResumeUnderOtherOptimiserSettingsIsRefusedNamingEachDifference(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        killedAfterOneEpoch(dir);
        Path at = published(dir);
        record Case(Supplier<AdamW.Builder> optimizer, String difference) {}
        List<Case> cases = List.of(
                new Case(() -> AdamW.builder(), "optimizer.weightDecay: recorded 0.01, requested 0.0"),
                new Case(() -> recorded().optBeta2(0.98f), "optimizer.beta2: recorded 0.999, requested 0.98"),
                new Case(() -> recorded().optBeta1(0.8f), "optimizer.beta1: recorded 0.9, requested 0.8"),
                new Case(() -> recorded().optEpsilon(1e-6f), "optimizer.epsilon: recorded 1.0E-8, requested 1.0E-6"),
                new Case(() -> recorded().optMaxGradNorm(0.5), "optimizer.maxGradNorm: recorded 1.0, requested 0.5"),
                // the same decay on every parameter, biases and norms included
                new Case(() -> recorded().optDecayFilter(k -> true), "optimizer.decayedParameters: recorded "));
        for (Case c : cases) {
            String m = refused(dir, c.optimizer().get()).getMessage();
            assertTrue(m.startsWith(at + ": "), m);
            assertTrue(m.contains(c.difference()), c.difference() + " in: " + m);
            assertTrue(m.contains("Resume with the recorded settings") && m.contains("(--out)"), m);
        }
        // the filter's difference is told by what it chose
        String filter = refused(dir, recorded().optDecayFilter(k -> true)).getMessage();
        assertTrue(filter.matches("(?s).*recorded \\d+ of (\\d+) parameters, keys sha256 [0-9a-f]{12}, requested \\1 of"
                + " \\1 parameters, keys sha256 [0-9a-f]{12}\\..*"), filter);
        // every difference at once, and nothing else
        String both = refused(dir, AdamW.builder().optBeta2(0.98f)).getMessage();
        assertTrue(both.contains("optimizer.beta2: recorded 0.999, requested 0.98; optimizer.decayedParameters: "), both);
        assertTrue(both.contains("optimizer.weightDecay: recorded 0.01, requested 0.0"), both);
        assertTrue(!both.contains("epsilon") && !both.contains("seed"), both);

        // refused before anything was restored or written: the recorded settings still resume, to
        // the bits of an uninterrupted run
        byte[] resumed = finish(dir, recorded(), tmp.resolve("resumed.ndlist"));
        byte[] whole = finish(null, recorded(), tmp.resolve("whole.ndlist"));
        assertArrayEquals(whole, resumed, "resumed run's final weights");
    }

    /**
     * A state.json without its manifest, with null there, or with a manifest lacking the schedule,
     * the precision or the accumulation is refused naming the file and the JSON path: every
     * checkpoint has held them since the format's first version, and without them the resume
     * skipped the check against the recorded schedule and precision without a word, so a run
     * resumed under another schedule went on as neither run. The checkpoint, put back whole,
     * still resumes to the bits of an uninterrupted run: nothing was restored.
     */
    @Test
    void aCheckpointWithoutItsManifestOrATrajectorySettingIsRefusedNamingFileAndPath(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("ckpt");
        killedAfterOneEpoch(dir);
        Path state = published(dir).resolve("state.json");
        String whole = Files.readString(state, StandardCharsets.UTF_8);
        record Case(String member, String expected, java.util.function.Consumer<JsonObject> edit) {}
        List<Case> cases = List.of(
                new Case("no member $.manifest", "an object: the run's provenance and settings",
                        j -> j.remove("manifest")),
                new Case("null at $.manifest", "an object: the run's provenance and settings",
                        j -> j.add("manifest", com.google.gson.JsonNull.INSTANCE)),
                new Case("no member $.manifest.schedule", "the schedule the checkpoint was trained under",
                        j -> j.getAsJsonObject("manifest").remove("schedule")),
                new Case("no member $.manifest.precision", "the precision the checkpoint was trained under",
                        j -> j.getAsJsonObject("manifest").remove("precision")),
                new Case("no member $.manifest.accumulation", "the accumulation the checkpoint was trained under",
                        j -> j.getAsJsonObject("manifest").remove("accumulation")));
        for (Case c : cases) {
            JsonObject json = JsonParser.parseString(whole).getAsJsonObject();
            c.edit().accept(json);
            Files.writeString(state, json.toString(), StandardCharsets.UTF_8);
            String m = refused(dir, recorded()).getMessage();
            assertTrue(m.startsWith(state + ": expected a training state (JSON), found " + c.member() + " (expected "
                    + c.expected() + "), which every training state holds"), m);
            assertTrue(m.contains("cannot be resumed, and nothing was restored"), m);
        }
        Files.writeString(state, whole, StandardCharsets.UTF_8);
        byte[] resumed = finish(dir, recorded(), tmp.resolve("resumed.ndlist"));
        assertArrayEquals(finish(null, recorded(), tmp.resolve("whole.ndlist")), resumed, "resumed run's final weights");
    }

    @Test
    void aCheckpointWrittenBeforeTheSettingsWereRecordedResumesWithAWarning(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        // the state.json of the code before this change: the same manifest without the optimiser's keys
        Path at = killedWithManifest(dir, manifest -> {
            assertNotNull(manifest.get("optimizer.weightDecay"), manifest.toString());
            List.copyOf(manifest.keySet()).stream().filter(k -> k.startsWith("optimizer.")).forEach(manifest::remove);
            // nor, before 2026-12-07, the replicas and the evaluation batch size
            assertEquals("1", manifest.remove("replicas").getAsString(), manifest.toString());
            assertEquals("128", manifest.remove("evalBatchSize").getAsString(), manifest.toString());
        });

        byte[][] resumed = new byte[1][];
        String logs = CapturedLogs.of(() -> resumed[0] = finish(dir, recorded(), tmp.resolve("resumed.ndlist")));
        assertTrue(logs.lines().anyMatch(l -> l.contains("WARN") && l.contains(at + ": ") && l.contains("could not be checked") && l.contains("optimizer.weightDecay=0.01")
                && l.contains("optimizer.beta2=0.999") && l.contains("replicas=1") && l.contains("evalBatchSize=128")),
                logs);
        assertArrayEquals(finish(null, recorded(), tmp.resolve("whole.ndlist")), resumed[0], "resumed run's final weights");
    }

    /**
     * A checkpoint written on another device or engine resumes, with a warning naming both: the
     * bits of an uninterrupted run are promised only on the device and engine that wrote it, and a
     * run moved from a CPU to a GPU mid-way said nothing of it. The same device and engine say
     * nothing.
     */
    @Test
    void aCheckpointWrittenOnAnotherDeviceOrEngineResumesWithAWarningNamingBoth(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ckpt");
        String[] recorded = new String[2];
        Path at = killedWithManifest(dir, manifest -> {
            recorded[0] = manifest.get("device").getAsString();
            recorded[1] = manifest.get("engine").getAsString();
            manifest.addProperty("device", "gpu(3)");
            manifest.addProperty("engine", "PyTorch 9.9.9");
        });
        String device = recorded[0];
        String engine = recorded[1];
        String moved = CapturedLogs.of(() -> finish(dir, recorded(), tmp.resolve("moved.ndlist")));
        assertTrue(moved.lines().anyMatch(l -> l.contains("WARN") && l.contains(at + ": device: written on gpu(3),"
                + " resumed on " + device + "; engine: written on PyTorch 9.9.9, resumed on " + engine + "; ")
                && l.contains("differ by rounding")), moved);

        Path again = tmp.resolve("again");
        killedAfterOneEpoch(again);
        String same = CapturedLogs.of(() -> finish(again, recorded(), tmp.resolve("same.ndlist")));
        assertTrue(same.lines().noneMatch(l -> l.contains("resumed on")), same);
    }

    /**
     * The number of replicas splits each batch into parts with the accumulation, and each part
     * draws its own dropout masks: a resume with another number was neither refused nor told, and
     * went on along another trajectory. It is refused as another accumulation is, either way (1 to
     * 2 and 2 to 1), naming both values; the recorded number still resumes.
     */
    @Test
    void aResumeWithAnotherNumberOfReplicasIsRefusedEitherWay(@TempDir Path tmp) throws Exception {
        Path one = tmp.resolve("one");
        killedAfterOneEpoch(one);
        Path oneAt = published(one);
        IOException more = resumed(one, TWO_REPLICAS);
        assertNotNull(more, "resumed 1 replica's checkpoint on 2");
        assertTrue(more.getMessage().startsWith(oneAt + ": checkpoint written under other settings")
                && more.getMessage().contains("replicas: recorded 1, requested 2"), more.getMessage());
        assertEquals(null, resumed(one, (b, root) -> b), "the recorded number resumes");

        Path two = tmp.resolve("two");
        killedAfterOneEpoch(two, TWO_REPLICAS);
        IOException fewer = resumed(two, (b, root) -> b);
        assertNotNull(fewer, "resumed 2 replicas' checkpoint on 1");
        assertTrue(fewer.getMessage().contains("replicas: recorded 2, requested 1"), fewer.getMessage());
        assertEquals(null, resumed(two, TWO_REPLICAS), "the recorded number resumes");
    }

    /**
     * Another evaluation batch size changes the validation losses (and so the stopping) by
     * rounding only, as another device does: it resumes, either way, with a warning naming both
     * sizes, where it said nothing. The same size says nothing.
     */
    @Test
    void aResumeWithAnotherEvaluationBatchSizeGoesOnWithAWarningEitherWay(@TempDir Path tmp) throws Exception {
        Path big = tmp.resolve("big");
        killedAfterOneEpoch(big);
        Path bigAt = published(big);
        String smaller = CapturedLogs.of(() -> assertEquals(null, resumed(big, (b, root) -> b.optEvalBatchSize(3))));
        assertTrue(smaller.lines().anyMatch(l -> l.contains("WARN") && l.contains(bigAt
                + ": evalBatchSize: written with 128, resumed with 3;") && l.contains("differ by rounding")), smaller);

        Path small = tmp.resolve("small");
        killedAfterOneEpoch(small, (b, root) -> b.optEvalBatchSize(3));
        Path smallAt = published(small);
        String larger = CapturedLogs.of(() -> assertEquals(null, resumed(small, (b, root) -> b)));
        assertTrue(larger.lines().anyMatch(l -> l.contains("WARN") && l.contains(smallAt
                + ": evalBatchSize: written with 3, resumed with 128;")), larger);

        Path same = tmp.resolve("same");
        killedAfterOneEpoch(same);
        String quiet = CapturedLogs.of(() -> assertEquals(null, resumed(same, (b, root) -> b)));
        assertTrue(quiet.lines().noneMatch(l -> l.contains("evalBatchSize")), quiet);
    }

    /**
     * The warnings of a resume say that the run continues: a checkpoint refused after them (for
     * another number of replicas, or a damaged state.json) logged "the run continues" for another
     * evaluation batch size, an older checkpoint's unchecked settings or another device, and then
     * did not continue. They are logged only once the checkpoint has passed every check.
     */
    @Test
    void aRefusedCheckpointLogsNoWarningThatTheRunContinues(@TempDir Path tmp) throws Exception {
        Path replicas = tmp.resolve("replicas");
        killedAfterOneEpoch(replicas);
        IOException[] refused = new IOException[1];
        String logs = CapturedLogs.of(() -> refused[0] = resumed(replicas,
                (b, root) -> TWO_REPLICAS.apply(b, root).optEvalBatchSize(3)));
        assertNotNull(refused[0], "resumed 1 replica's checkpoint on 2");
        assertTrue(refused[0].getMessage().contains("replicas: recorded 1, requested 2"), refused[0].getMessage());
        assertTrue(logs.lines().noneMatch(l -> l.contains("WARN") && l.contains("evalBatchSize")), logs);

        // an older checkpoint (no replicas recorded), moved from another device, whose globalStep is damaged
        Path damaged = tmp.resolve("damaged");
        Path at = killedWithManifest(damaged, manifest -> {
            manifest.remove("replicas");
            manifest.addProperty("device", "gpu(3)");
        });
        Path state = at.resolve("state.json");
        JsonObject json = JsonParser.parseString(Files.readString(state, StandardCharsets.UTF_8)).getAsJsonObject();
        json.addProperty("globalStep", json.get("globalStep").getAsLong() + 1);
        Files.writeString(state, json.toString(), StandardCharsets.UTF_8);
        logs = CapturedLogs.of(() -> refused[0] = resumed(damaged, (b, root) -> b.optEvalBatchSize(3)));
        assertNotNull(refused[0], "resumed a state whose globalStep is 1 more than an epoch's steps");
        assertTrue(refused[0].getMessage().startsWith(state + ": ") && refused[0].getMessage().contains("globalStep is"),
                refused[0].getMessage());
        assertTrue(logs.lines().noneMatch(l -> l.contains("WARN") && (l.contains("evalBatchSize")
                || l.contains("could not be checked") || l.contains("resumed on"))), logs);
    }

    /**
     * The trainer refuses a staged checkpoint too, after the checkpoint's own checks: one whose
     * samplerState the sampler cannot take logged "the run continues" for another evaluation batch
     * size before it was refused. The warnings wait for the state to be applied.
     */
    @Test
    void aCheckpointWhoseSamplerStateIsRefusedLogsNoWarningThatTheRunContinues(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sampler");
        killedAfterOneEpoch(dir);
        TrainerResumeRefusalTest.garbleSamplerState(published(dir).resolve("state.json"));
        IOException[] refused = new IOException[1];
        String logs = CapturedLogs.of(() -> refused[0] = resumed(dir, (b, root) -> b.optEvalBatchSize(3)));
        assertNotNull(refused[0], "resumed a checkpoint whose samplerState is garbled");
        assertTrue(refused[0].getMessage().contains("the sampler cannot take its samplerState"), refused[0].getMessage());
        assertTrue(logs.lines().noneMatch(l -> l.contains("WARN") && l.contains("evalBatchSize")), logs);
    }
}
