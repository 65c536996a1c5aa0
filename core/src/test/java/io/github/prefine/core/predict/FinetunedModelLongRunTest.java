package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.grid.ProcessResources;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.train.FeatureBatchSource;
import io.github.prefine.core.train.Trainer;
import io.github.prefine.core.testing.OpenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * A prediction server, or a grid that scores every finetuned model, loads, uses and closes many
 * models in one process under one long-lived manager. Whatever a model leaves behind after close
 * (arrays or sub-managers in the caller's manager, the checkpoint's descriptors or mappings, the
 * native tokenizer's threads) grows with every model. Counted independently of prefine: the
 * engine's manager tree, /proc/self/fd, /proc/self/maps and the process's threads.
 */
class FinetunedModelLongRunTest {
    private static final int ROUNDS = 4;

    @Test
    void loadingPredictingAndClosingAgainLeavesTheCallersManagerFilesMappingsAndThreadsAsTheyWere(@TempDir Path tmp)
            throws Exception {
        Path dir = TinyFinetuning.saveUntrained(tmp.resolve("model"));
        Path hf = tmp.resolve("hf");
        try (NDManager server = NDManager.newBaseManager()) {
            // the first round loads the classes, the engine's kernels and the tokenizer library for good
            round(dir, hf, server);
            List<Path> files = checkpointFiles(dir, hf);
            System.gc();
            ProcessResources before = ProcessResources.sample();
            int serverArrays = server.getManagedArrays().size();
            for (int i = 1; i <= ROUNDS; i++) {
                round(dir, hf, server);
                System.gc();
                ProcessResources after = ProcessResources.sample();
                assertAsBefore(before, serverArrays, after, server, files, " after round " + i + " of load, predict and close");
            }
        }
    }

    @Test
    void finetuningAndExportingAgainUnderOneManagerLeavesItsArraysFilesAndThreadsAsTheyWere(@TempDir Path tmp)
            throws Exception {
        try (SubwordTokenizer tok = TinyFinetuning.tokenizer(); NDManager runs = NDManager.newBaseManager()) {
            TaskSet all = TinyFinetuning.tasks(tok);
            // a classifier and the QA task: both kinds of head, at a quarter of the four tasks' time
            TaskSet tasks = TaskSet.of(all.get(0), all.get(3));
            finetune(tok, tasks, runs, tmp.resolve("run0"));
            System.gc();
            ProcessResources before = ProcessResources.sample();
            int runArrays = runs.getManagedArrays().size();
            for (int i = 1; i <= 2; i++) {
                Path out = tmp.resolve("run" + i);
                finetune(tok, tasks, runs, out);
                System.gc();
                ProcessResources after = ProcessResources.sample();
                assertAsBefore(before, runArrays, after, runs, checkpointFiles(out.resolve("model"), TinyFinetuning.bert()),
                        " after finetuning run " + i);
            }
        }
    }

    /**
     * One run as a grid unit makes it outside the grid: train with checkpoints and early stopping,
     * predict, export; then a second trainer on the same checkpoints resumes the finished run (reads
     * the weights and the optimizer's moments back, trains nothing).
     */
    private static void finetune(SubwordTokenizer tok, TaskSet tasks, NDManager runs, Path out) throws Exception {
        Path checkpoints = out.resolve("checkpoints");
        try (MultiHeadModel model = TinyFinetuning.model(runs, tasks); Trainer trainer = trainer(model, tasks, checkpoints)) {
            trainer.fit();
            for (int t = 0; t < tasks.size(); t++) {
                assertTrue(trainer.predict(t, Split.VALIDATION).logits().size() > 0, "no predictions for task " + t);
            }
            ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(TinyFinetuning.SETTINGS)
                    .addTasks(tasks).build().writeTo(out.resolve("model"));
        }
        try (MultiHeadModel model = TinyFinetuning.model(runs, tasks); Trainer resumed = trainer(model, tasks, checkpoints)) {
            resumed.fit();
        }
    }

    private static Trainer trainer(MultiHeadModel model, TaskSet tasks, Path checkpoints) throws IOException {
        return Trainer.builder().setModel(model).setData(FeatureBatchSource.of(tasks)).optBatchSize(8)
                .optLearningRate(3e-3).optMaxEpochs(2).optPatience(1).optGradientAccumulation(2)
                .optCheckpointDir(checkpoints).optSeed(5).build();
    }

    /**
     * Arrays and managers exactly as before, in the caller's manager and under the system manager;
     * descriptors and threads no more (idle threads of earlier test classes may end meanwhile);
     * no descriptor or mapping left on the round's files.
     */
    private static void assertAsBefore(ProcessResources before, int callerArrays, ProcessResources after,
            NDManager caller, List<Path> files, String round) throws Exception {
        String where = round + ": " + after + " vs " + before;
        assertEquals(callerArrays, caller.getManagedArrays().size(), "arrays left in the caller's manager" + where);
        assertEquals(before.managers(), after.managers(), "managers" + where);
        assertEquals(before.nativeArrays(), after.nativeArrays(), "arrays under the system manager" + where);
        assertTrue(after.openFiles() <= before.openFiles(), "open files" + where);
        assertTrue(after.javaThreads() <= before.javaThreads(), "Java threads" + where);
        assertTrue(after.nativeThreads() <= before.nativeThreads(), "threads" + where);
        for (Path f : files) {
            assertEquals(0, OpenFiles.on(f), "descriptors still open on " + f + where);
            assertEquals(0, awaitUnmapped(f), "mappings still held of " + f + where);
        }
    }

    /** Loads the saved folder, predicts with every task, writes and reloads its HF folder, closes both. */
    private static void round(Path dir, Path hf, NDManager server) throws Exception {
        try (FinetunedModel model = FinetunedModel.load(dir, server)) {
            predictAll(model);
            model.writeHuggingFace("topic", hf);
        }
        try (FinetunedModel model = FinetunedModel.loadHuggingFace(hf, server)) {
            assertEquals(2, model.predictor("text-classification").classify(List.of("john walked", "paris")).size());
        }
    }

    private static void predictAll(FinetunedModel model) {
        assertEquals(2, model.predictor("topic").classify(List.of("john walked with mary", "paris")).size());
        assertEquals(1, model.predictor("ner").tag(List.of(List.of("alice", "read", "in", "rome"))).size());
        assertEquals(1, model.predictor("qa").answer(List.of("who visited paris"),
                List.of("bob visited paris during the week while mary read")).size());
    }

    private static List<Path> checkpointFiles(Path... dirs) throws Exception {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(p -> p.toString().endsWith(".safetensors") || p.getFileName().toString().equals("tokenizer.json"))
                        .sorted().forEach(out::add);
            }
        }
        assertTrue(out.size() >= 4, "expected the encoder, heads and tokenizer files of both folders, found " + out);
        return out;
    }

    /** A mapping goes when the collector frees its buffer: collect a few times before counting. */
    private static long awaitUnmapped(Path f) throws Exception {
        long n = OpenFiles.mappingsOf(f);
        for (int i = 0; i < 20 && n > 0; i++) {
            System.gc();
            Thread.sleep(50);
            n = OpenFiles.mappingsOf(f);
        }
        return n;
    }
}
