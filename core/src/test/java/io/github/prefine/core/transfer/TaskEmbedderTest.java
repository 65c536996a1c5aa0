package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.PretrainedPooler;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.grid.ProcessResources;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.features.TokenRows;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.testing.OpenFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TextEmb and TaskEmb on a tiny random BERT with a word-level tokenizer, against direct computations. */
class TaskEmbedderTest {
    static final List<String> WORDS = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    static NDManager manager;
    static Path encoder;
    static FeaturizedTask classifier;
    static FeaturizedTask tagger;
    static List<TextExample> texts;
    static List<TokenExample> sentences;
    static SubwordTokenizer tokenizer;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        manager = NDManager.newBaseManager();
        Path tok = WordTokenizer.write(dir.resolve("tokenizer.json"), WORDS);
        encoder = dir.resolve("enc");
        EncoderConfig cfg = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(4 + WORDS.size())
                .setHiddenSize(16).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(32)
                .optMaxPositionEmbeddings(32).optTypeVocabSize(2).build();
        try (NDManager m = manager.newSubManager()) {
            TransformerEncoder enc = TransformerEncoder.builder().setConfig(cfg).build();
            enc.initializeRandom(m, 5L);
            EncoderCheckpoint.save(enc, encoder, tok);
        }
        tokenizer = SubwordTokenizer.builder().setTokenizerPath(tok).build();
        FeatureSettings s = new FeatureSettings(16, 16, 4, 0, 0, 1L);
        SplittableRandom r = new SplittableRandom(3);
        texts = new ArrayList<>();
        sentences = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int len = 1 + r.nextInt(7);
            List<String> words = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            for (int k = 0; k < len; k++) {
                words.add(WORDS.get(r.nextInt(WORDS.size())));
                tags.add(words.get(k).compareTo("d") < 0 ? "B-X" : "O");
            }
            texts.add(new TextExample("t" + i, String.join(" ", words), null, words.contains("a") ? "yes" : "no"));
            sentences.add(new TokenExample("s" + i, words, tags));
        }
        classifier = classifier(texts);
        Task tg = InMemoryTasks.task("tags", TaskGroup.SL, TaskFormat.TOKEN, MetricType.SPAN_F1, List.of("O", "B-X", "I-X"));
        tagger = FeaturizedTask.featurize(InMemoryTasks.data(tg, sentences, sentences.subList(0, 5), List.of()), tokenizer, s);
    }

    private static FeaturizedTask classifier(List<TextExample> examples) throws IOException {
        Task cl = InMemoryTasks.task("cls", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        return FeaturizedTask.featurize(InMemoryTasks.data(cl, examples, examples.subList(0, 5), List.of()), tokenizer,
                new FeatureSettings(16, 16, 4, 0, 0, 1L));
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
        manager.close();
    }

    private static TaskEmbedder.Builder embedder() {
        return TaskEmbedder.builder().setManager(manager).setEncoder(encoder);
    }

    @Test
    void textEmbIsTheMeanOfEachRowsMeanPooledStatesEncodedAlone() throws Exception {
        float[] got;
        try (TaskEmbedder e = embedder().optBatchSize(7).build()) {
            TaskEmbedding t = e.textEmb(classifier);
            got = t.values();
            assertEquals(classifier.features().get(Split.TRAIN).tokens().rowCount(), t.numExamples());
        }
        // ground truth: every row alone, without padding, averaged over its tokens, then over rows
        TokenRows rows = classifier.features().get(Split.TRAIN).tokens();
        double[] expected = new double[16];
        try (NDManager m = manager.newSubManager(); LoadedCheckpoint ck = EncoderCheckpoint.load(encoder, m)) {
            for (int r = 0; r < rows.rowCount(); r++) {
                PaddedBatch p = PaddedBatch.inputsOf(rows, new int[] {r});
                Shape grid = new Shape(1, p.seqLen());
                NDArray h = ck.encoder().forward(new ParameterStore(m, false), new NDList(m.create(p.inputIds(), grid),
                        m.create(p.attentionMask(), grid), m.create(p.typeIds(), grid)), false).head();
                float[] v = h.get(0).mean(new int[] {0}).toFloatArray();
                for (int k = 0; k < 16; k++) {
                    expected[k] += v[k] / rows.rowCount();
                }
            }
        }
        for (int k = 0; k < 16; k++) {
            assertEquals(expected[k], got[k], 1e-5, "dimension " + k);
        }
    }

    /*
     * A recommender embeds every candidate task with one embedder after another in one process:
     * whatever an embedder or its pool of batch threads leaves behind grows with every task.
     */
    @Test
    void embeddingAgainWithNewEmbeddersLeavesArraysManagersFilesAndThreadsAsTheyWere(@TempDir Path dir) throws Exception {
        embedBoth(dir.resolve("warm-up"));
        ProcessResources before = settled(null);
        for (int i = 1; i <= 3; i++) {
            embedBoth(dir.resolve("store" + i));
            ProcessResources after = settled(before);
            String where = " after embedder " + i + ": " + after + " vs " + before;
            assertEquals(before.managers(), after.managers(), "managers" + where);
            assertEquals(before.nativeArrays(), after.nativeArrays(), "arrays under the system manager" + where);
            assertTrue(after.openFiles() <= before.openFiles(), "open files" + where);
            assertTrue(after.javaThreads() <= before.javaThreads(), "Java threads" + where);
            assertTrue(after.nativeThreads() <= before.nativeThreads(), "threads" + where);
            assertEquals(0, OpenFiles.on(encoder.resolve("model.safetensors")), "descriptors on the encoder" + where);
        }
    }

    /** Both methods, on two batch threads, through a store: one embedder's whole life. */
    private static void embedBoth(Path store) throws IOException {
        try (TaskEmbedder e = embedder().optThreads(2).optBatchSize(7).optStore(EmbeddingStore.open(store)).build()) {
            assertEquals(16, e.embed(classifier, EmbeddingMethod.TEXT_EMB).values().length);
            assertTrue(e.embed(tagger, EmbeddingMethod.TASK_EMB).values().length > 0);
        }
    }

    /**
     * Samples once the threads of a closed pool have ended: {@code shutdownNow} interrupts them,
     * and they end on their own schedule; a leaked thread is still there after two seconds.
     */
    private static ProcessResources settled(ProcessResources level) throws InterruptedException {
        System.gc();
        ProcessResources now = ProcessResources.sample();
        for (int i = 0; i < 20 && level != null && (now.javaThreads() > level.javaThreads()
                || now.nativeThreads() > level.nativeThreads() || now.openFiles() > level.openFiles()); i++) {
            Thread.sleep(100);
            System.gc();
            now = ProcessResources.sample();
        }
        return now;
    }

    @Test
    void eachPhaseIsReportedFromZeroSoABarTimesItsFirstBatch() throws Exception {
        // a first report after the first batch started a caller's clock one batch late: after two
        // batches a bar showed twice the real rate and half the ETA
        List<String> heard = new ArrayList<>();
        try (TaskEmbedder e = embedder().optBatchSize(16).optHeadSteps(3).optThreads(2)
                .optListener((task, phase, done, total) -> heard.add(task + " " + phase + " " + done + "/" + total))
                .build()) {
            e.textEmb(classifier);
            e.taskEmb(classifier);
        }
        // 40 training rows in batches of 16; 3 head steps; 3 cached batches for the Fisher pass
        assertEquals(List.of("cls textemb 0/40", "cls textemb 16/40", "cls textemb 32/40", "cls textemb 40/40",
                "cls taskemb encode 0/40", "cls taskemb encode 16/40", "cls taskemb encode 32/40",
                "cls taskemb encode 40/40", "cls taskemb head 0/3", "cls taskemb head 1/3", "cls taskemb head 2/3",
                "cls taskemb head 3/3", "cls taskemb fisher 0/3", "cls taskemb fisher 1/3", "cls taskemb fisher 2/3",
                "cls taskemb fisher 3/3"), heard);
    }

    @Test
    void threadsDoNotChangeTheEmbeddings() throws Exception {
        // batches are summed in batch order whatever thread computed them, so the values are the
        // same bits; TaskEmb's cached encoder outputs come back in batch order too
        for (FeaturizedTask task : List.of(classifier, tagger)) {
            TaskEmbedding text1;
            TaskEmbedding task1;
            try (TaskEmbedder e = embedder().optBatchSize(3).optHeadSteps(5).build()) {
                text1 = e.textEmb(task);
                task1 = e.taskEmb(task);
            }
            try (TaskEmbedder e = embedder().optBatchSize(3).optHeadSteps(5).optThreads(3).build()) {
                assertArrayEquals(text1.values(), e.textEmb(task).values(), task.name() + " textemb");
                assertArrayEquals(task1.values(), e.taskEmb(task).values(), task.name() + " taskemb");
            }
        }
    }

    @Test
    void aBatchFailingOnAWorkerThreadFailsTheRunAfterTheResultsBeforeIt() throws Exception {
        try (OrderedBatches pool = new OrderedBatches(2)) {
            List<Integer> seen = new ArrayList<>();
            IllegalStateException ex = assertThrows(IllegalStateException.class, () -> pool.run(10, k -> {
                if (k == 4) {
                    throw new IllegalStateException("batch 4 failed");
                }
                return k;
            }, (k, r) -> seen.add(r)));
            assertEquals("batch 4 failed", ex.getMessage());
            assertEquals(List.of(0, 1, 2, 3), seen, "results before the failure, in order");
        }
    }

    @Test
    void taskEmbIsThePerExampleFisherWhateverTheBatchSize() throws Exception {
        // without head training the head is the same, so batched and one-by-one Fisher must agree:
        // output gradients are per example even in a batch
        for (FeaturizedTask task : List.of(classifier, tagger)) {
            float[] batched;
            float[] single;
            try (TaskEmbedder e = embedder().optHeadSteps(0).optBatchSize(16).build()) {
                batched = e.taskEmb(task).values();
            }
            try (TaskEmbedder e = embedder().optHeadSteps(0).optBatchSize(1).build()) {
                single = e.taskEmb(task).values();
            }
            assertArrayEquals(single, batched, 1e-6f * max(single), task.name());
        }
    }

    /**
     * TaskEmb of the tagger with its untrained head, against the Fisher worked out on the host: a
     * linear token head gives position t of a sentence with n labelled words the loss gradient
     * {@code W^T (softmax(W h_t + b) - onehot(y_t)) / n} (its loss is the mean cross entropy over
     * labelled positions), zero at [CLS], [SEP] and padding; TaskEmb is the mean over sentences of
     * the squares summed over positions. The states come from each sentence encoded alone, the
     * labels from the words themselves (one word, one token), the head from the same seed.
     */
    @Test
    void taskEmbOfAnUntrainedTokenHeadIsTheHandWorkedFisher() throws Exception {
        assertUntrainedTokenHeadFisher(encoder, EncoderConfig.INITIALIZER_RANGE);
    }

    /**
     * The probe head draws its weights with the encoder's {@code initializer_range}, as HF's
     * {@code _init_weights} and MultiHeadModel's heads do: it drew them with 0.02 whatever the
     * config said, and the Fisher of a head drawn 15 times wider is about 225 times larger.
     */
    @Test
    void taskEmbProbeHeadDrawsWithTheConfigsInitializerRange(@TempDir Path dir) throws Exception {
        Path wide = dir.resolve("wide");
        try (NDManager m = manager.newSubManager(); LoadedCheckpoint ck = EncoderCheckpoint.load(encoder, m)) {
            EncoderConfig cfg = ck.config().toBuilder().optInitializerRange(0.3f).build();
            TransformerEncoder enc = TransformerEncoder.builder().setConfig(cfg).build();
            enc.initializeRandom(m, 5L);
            EncoderCheckpoint.save(enc, wide, encoder.resolve("tokenizer.json"));
        }
        assertUntrainedTokenHeadFisher(wide, 0.3f);
    }

    @Test
    void taskEmbSettingsTellApartLabelsThatNewlinesSplitDifferently() throws Exception {
        // the label names were joined with newlines: ["a\nb", "c", "yes"] and ["a", "b\nc", "yes"], with
        // the same label indices, keyed the same stored embedding
        FeaturizedTask one = labelled("nl", List.of("a\nb", "c", "yes"));
        FeaturizedTask two = labelled("nl", List.of("a", "b\nc", "yes"));
        try (TaskEmbedder e = embedder().build()) {
            assertNotEquals(e.settings(one, EmbeddingMethod.TASK_EMB), e.settings(two, EmbeddingMethod.TASK_EMB));
        }
    }

    @Test
    void taskEmbSettingsOfNewlineFreeLabelsNeverSpellTheLengthPrefixedNames() throws Exception {
        // FeaturizedTask takes any label list: two empty names start the newline-joined names with the
        // length-prefixed form's marker and the names after it spell out the prefixed ones, the rows
        // and label indices being the same features
        FeaturizedTask framed = labelled("nl", List.of("a\nb", "c", "yes"));
        FeaturizedTask joined = new FeaturizedTask(framed.task(),
                List.of("", "", "length-prefixed 3", "3:a", "b1:c3:yes"), framed.features(), framed.scoringExamples());
        try (TaskEmbedder e = embedder().build()) {
            assertNotEquals(e.settings(framed, EmbeddingMethod.TASK_EMB), e.settings(joined, EmbeddingMethod.TASK_EMB));
        }
    }

    @Test
    void anInitializerRangeOf002ReadFromConfigJsonKeepsTheStoredKeys() throws Exception {
        // HF's config.json holds 0.02 as a JSON number: parsed to float it must equal the 0.02f the
        // key leaves out, or every stored embedding of such an encoder would be computed again
        for (String family : List.of("bert", "xlm-roberta")) {
            Path config = io.github.prefine.core.testing.SharedFixtures.require(
                    "fixtures/hf-reference/" + family + "/encoder").resolve("config.json");
            assertTrue(Files.readString(config).contains("\"initializer_range\": 0.02,"), config.toString());
            assertEquals(EncoderConfig.INITIALIZER_RANGE, EncoderConfig.fromJson(config).initializerRange(), family);
        }
        // this test's encoder, its config.json written and read back by EncoderCheckpoint
        try (TaskEmbedder e = embedder().build()) {
            assertFalse(e.settings(tagger, EmbeddingMethod.TASK_EMB).contains("headRange"));
        }
    }

    private static FeaturizedTask labelled(String name, List<String> labels) throws IOException {
        Task t = InMemoryTasks.task(name, TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, labels);
        List<TextExample> yes = texts.stream().map(x -> new TextExample(x.id(), x.textA(), null, "yes")).toList();
        return FeaturizedTask.featurize(InMemoryTasks.data(t, yes, yes.subList(0, 5), List.of()), tokenizer,
                new FeatureSettings(16, 16, 4, 0, 0, 1L));
    }

    private static void assertUntrainedTokenHeadFisher(Path encoder, float range) throws Exception {
        long seed = 9;
        float[] got;
        try (TaskEmbedder e = TaskEmbedder.builder().setManager(manager).setEncoder(encoder).optHeadSteps(0)
                .optBatchSize(6).optSeed(seed).build()) {
            got = e.taskEmb(tagger).values();
        }
        List<String> labels = List.of("O", "B-X", "I-X");
        double[] expected = new double[16];
        try (NDManager m = manager.newSubManager(); LoadedCheckpoint ck = EncoderCheckpoint.load(encoder, m)) {
            // the head TaskEmb draws: the seed's stream, after the split that drew the sample
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x7a5ce3bL);
            rnd.split();
            TaskHead head = tagger.newHead(MultiHeadModel.headFamily(ck.config().modelType()), rnd.nextLong());
            head.initialize(m, 16, range);
            float[] w = null;
            float[] b = null;
            for (Pair<String, Parameter> p : head.block().getParameters()) {
                if (p.getValue().getArray().getShape().dimension() == 2) {
                    w = p.getValue().getArray().toFloatArray(); // [labels, hidden]
                } else {
                    b = p.getValue().getArray().toFloatArray();
                }
            }
            TokenRows rows = tagger.features().get(Split.TRAIN).tokens();
            assertEquals(sentences.size(), rows.rowCount());
            for (int r = 0; r < rows.rowCount(); r++) {
                List<String> tags = sentences.get(r).tags();
                assertEquals(tags.size() + 2, rows.length(r), "one token per word, with [CLS] and [SEP]");
                PaddedBatch p = PaddedBatch.inputsOf(rows, new int[] {r});
                Shape grid = new Shape(1, p.seqLen());
                float[] h = ck.encoder().forward(new ParameterStore(m, false), new NDList(m.create(p.inputIds(), grid),
                        m.create(p.attentionMask(), grid), m.create(p.typeIds(), grid)), false).head().toFloatArray();
                int n = tags.size();
                for (int pos = 1; pos <= n; pos++) {
                    double[] z = new double[3];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < 3; c++) {
                        z[c] = b[c];
                        for (int k = 0; k < 16; k++) {
                            z[c] += (double) w[c * 16 + k] * h[pos * 16 + k];
                        }
                        max = Math.max(max, z[c]);
                    }
                    double norm = 0;
                    for (int c = 0; c < 3; c++) {
                        norm += Math.exp(z[c] - max);
                    }
                    int y = labels.indexOf(tags.get(pos - 1));
                    for (int k = 0; k < 16; k++) {
                        double g = 0;
                        for (int c = 0; c < 3; c++) {
                            g += w[c * 16 + k] * (Math.exp(z[c] - max) / norm - (c == y ? 1 : 0));
                        }
                        g /= n;
                        expected[k] += g * g / rows.rowCount();
                    }
                }
            }
        }
        float[] e = new float[16];
        for (int k = 0; k < 16; k++) {
            e[k] = (float) expected[k];
        }
        assertArrayEquals(e, got, 1e-4f * max(e));
    }

    /**
     * TaskEmb's BERT sequence head starts from the checkpoint's pooler, as a pooling head of
     * {@code MultiHeadModel} and HF's {@code BertForSequenceClassification.from_pretrained} do. With
     * a pooler of zero weight, the pooled vector {@code tanh(W h_cls + b)} does not depend on the
     * encoder's outputs, so every loss gradient with respect to them is zero and an untrained head's
     * Fisher is zero: TaskEmb refuses it. A head whose pooler was a random draw gave a Fisher.
     */
    @Test
    void taskEmbHeadStartsFromTheCheckpointsPooler(@TempDir Path dir) throws Exception {
        Path withPooler = dir.resolve("enc-with-pooler");
        Files.createDirectories(withPooler);
        for (String f : List.of(EncoderCheckpoint.CONFIG_FILE, "tokenizer.json")) {
            Files.copy(encoder.resolve(f), withPooler.resolve(f));
        }
        List<HostTensor> tensors = new ArrayList<>();
        try (SafetensorsReader r = SafetensorsReader.open(encoder)) {
            tensors.addAll(r.readAll().values());
            tensors.add(HostTensor.ofFloats(PretrainedPooler.WEIGHT, new long[] {16, 16}, new float[16 * 16]));
            tensors.add(HostTensor.ofFloats(PretrainedPooler.BIAS, new long[] {16}, new float[16]));
            SafetensorsWriter.write(withPooler.resolve(SafetensorsReader.MODEL_FILE), tensors);
        }
        try (TaskEmbedder e = TaskEmbedder.builder().setManager(manager).setEncoder(withPooler).optHeadSteps(0)
                .build()) {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> e.taskEmb(classifier));
            assertTrue(zero.getMessage().contains("the Fisher information is zero"), zero.getMessage());
        }
    }

    @Test
    void taskEmbIsDeterministicForASeedAndHeadTrainingChangesIt() throws Exception {
        TaskEmbedding a;
        TaskEmbedding b;
        TaskEmbedding c;
        TaskEmbedding untrained;
        try (TaskEmbedder e = embedder().optHeadSteps(20).optSeed(4).build()) {
            a = e.taskEmb(tagger);
            b = e.taskEmb(tagger);
        }
        try (TaskEmbedder e = embedder().optHeadSteps(20).optSeed(5).build()) {
            c = e.taskEmb(tagger);
        }
        try (TaskEmbedder e = embedder().optHeadSteps(0).optSeed(4).build()) {
            untrained = e.taskEmb(tagger);
        }
        assertEquals(a, b);
        assertFalse(java.util.Arrays.equals(a.values(), c.values()), "another seed draws another head");
        assertFalse(java.util.Arrays.equals(a.values(), untrained.values()), "the head was trained");
        assertEquals(16, a.dimension());
        assertTrue(a.settings().contains("seed=4"));
    }

    /**
     * A cap on TextEmb's rows draws a seeded sample: two seeds draw two samples of 10 of the 40
     * rows, so two means, and a cap past the row count keeps every row whatever the seed. Taking
     * the first rows (the file's order, often sorted by label or source) passed every test.
     */
    @Test
    void aCappedTextEmbAveragesASeededSampleNotTheFirstRows() throws Exception {
        assertEquals(40, classifier.features().get(Split.TRAIN).tokens().rowCount());
        float[] all;
        float[] seed1;
        float[] seed2;
        float[] capPast;
        try (TaskEmbedder e = embedder().optSeed(1).build()) {
            all = e.textEmb(classifier).values();
        }
        try (TaskEmbedder e = embedder().optMaxTextRows(10).optSeed(1).build()) {
            seed1 = e.textEmb(classifier).values();
        }
        try (TaskEmbedder e = embedder().optMaxTextRows(10).optSeed(2).build()) {
            seed2 = e.textEmb(classifier).values();
        }
        try (TaskEmbedder e = embedder().optMaxTextRows(40).optSeed(2).build()) {
            capPast = e.textEmb(classifier).values();
        }
        assertFalse(java.util.Arrays.equals(seed1, seed2), "two seeds drew the same 10 rows");
        assertFalse(java.util.Arrays.equals(all, seed1), "a sample of 10 averaged like all 40 rows");
        assertArrayEquals(all, capPast, "a cap of every row keeps them all");
    }

    @Test
    void storeReturnsWhatWasComputedAndKeysOnSettings(@TempDir Path dir) throws Exception {
        EmbeddingStore store = EmbeddingStore.open(dir);
        TaskEmbedding first;
        try (TaskEmbedder e = embedder().optStore(store).build()) {
            first = e.embed(classifier, EmbeddingMethod.TEXT_EMB);
            assertEquals(2, Files.list(dir).count(), "one safetensors and one json file");
            TaskEmbedding again = e.embed(classifier, EmbeddingMethod.TEXT_EMB);
            assertEquals(first, again);
            assertEquals(first.seconds(), again.seconds(), "read back, not recomputed");
        }
        try (TaskEmbedder e = embedder().optStore(store).optMaxTextRows(10).build()) {
            Optional<TaskEmbedding> other = store.find("cls", EmbeddingMethod.TEXT_EMB, e.encoderHash(),
                    e.settings(classifier, EmbeddingMethod.TEXT_EMB));
            assertTrue(other.isEmpty(), "other settings, other key");
            assertNotEquals(first.values()[0], e.embed(classifier, EmbeddingMethod.TEXT_EMB).values()[0]);
        }
        assertTrue(store.find("cls", EmbeddingMethod.TEXT_EMB, "another-encoder", first.settings()).isEmpty());
        // an entry whose metadata disagrees with its key is an error naming the file, not a miss
        Path json = dir.resolve(EmbeddingStore.baseName("cls", EmbeddingMethod.TEXT_EMB, first.encoderHash(),
                first.settings()) + ".json");
        Files.writeString(json, Files.readString(json).replace("\"task\": \"cls\"", "\"task\": \"other\""));
        java.io.IOException ex = assertThrows(java.io.IOException.class, () -> store.find("cls",
                EmbeddingMethod.TEXT_EMB, first.encoderHash(), first.settings()));
        assertTrue(ex.getMessage().contains(json.getFileName().toString()) && ex.getMessage().contains("task"),
                ex.getMessage());
    }

    /**
     * TextEmb's batch size decides which rows share a padded batch and the order the rows are
     * summed in, so the bits of the embedding: batch 1 (no padding) and batch 7 differ in the last
     * places. The key left the batch size out, so an embedder of batch 7 sharing a store with one of
     * batch 1 was answered batch 1's values, not what it computes; it now computes its own. The
     * device the encoder ran on is keyed too (a GPU, with TF32 or without, rounds differently).
     */
    @Test
    void aStoredTextEmbAnswersOnlyTheBatchSizeAndDeviceItWasComputedWith(@TempDir Path dir) throws Exception {
        EmbeddingStore store = EmbeddingStore.open(dir);
        float[] one;
        try (TaskEmbedder e = embedder().optBatchSize(1).optStore(store).build()) {
            one = e.embed(classifier, EmbeddingMethod.TEXT_EMB).values();
        }
        try (TaskEmbedder e = embedder().optBatchSize(7).optStore(store).build()) {
            float[] computed = e.textEmb(classifier).values();
            assertFalse(java.util.Arrays.equals(one, computed), "batch 1 and batch 7 round alike: no evidence here");
            // what embed logs when it computes again: the keys stored for the task, and how they differ
            String now = e.settings(classifier, EmbeddingMethod.TEXT_EMB);
            List<EmbeddingStore.StoredKey> stored = store.storedKeys("cls", EmbeddingMethod.TEXT_EMB);
            assertEquals(List.of(new EmbeddingStore.StoredKey(e.encoderHash(), now.replace(";batch=7;", ";batch=1;"))),
                    stored);
            assertEquals("batch=1 (now batch=7)", stored.get(0).differenceFrom(e.encoderHash(), now));
            assertEquals("encoder " + e.encoderHash() + " (now other)", stored.get(0).differenceFrom("other", now));
            assertEquals("", stored.get(0).differenceFrom(e.encoderHash(), stored.get(0).settings()));
            assertEquals(List.of(), store.storedKeys("cls", EmbeddingMethod.TASK_EMB));
            assertEquals(List.of(), store.storedKeys("other", EmbeddingMethod.TEXT_EMB));
            assertArrayEquals(computed, e.embed(classifier, EmbeddingMethod.TEXT_EMB).values());
            assertEquals(2, store.storedKeys("cls", EmbeddingMethod.TEXT_EMB).size(), "both batch sizes kept");
            String device = manager.getDevice().getDeviceType();
            for (EmbeddingMethod m : EmbeddingMethod.values()) {
                assertTrue(e.settings(classifier, m).contains(";device=" + device + ";"), e.settings(classifier, m));
            }
        }
    }

    /**
     * A task with no training rows has nothing for TextEmb to average: the mean over no rows was
     * 0 / 0, and the embedding refused its own "value is NaN", naming neither the task nor why.
     * {@code FeaturizedTask.featurize} refuses such a task, but its public constructor takes one.
     */
    @Test
    void textEmbOfATaskWithNoTrainingRowsSaysSoNamingTheTask() throws Exception {
        Task cl = InMemoryTasks.task("no-train", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        FeaturizedTask empty = new FeaturizedTask(cl, classifier.labels(), Map.of(
                Split.TRAIN, TaskFormat.SINGLE_TEXT.featurize(List.of(), classifier.labels(), tokenizer,
                        new FeatureSettings(16, 16, 4, 0, 0, 1L), "no-train/train"),
                Split.VALIDATION, classifier.features().get(Split.VALIDATION)), classifier.scoringExamples());
        assertEquals(0, empty.features().get(Split.TRAIN).tokens().rowCount());
        try (TaskEmbedder e = embedder().build()) {
            String expected = "task no-train: textemb: expected training rows to average the encoder's outputs over,"
                    + " found none (the task's training split is empty)";
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> e.textEmb(empty)).getMessage());
            assertEquals(expected, assertThrows(IllegalArgumentException.class,
                    () -> e.embed(empty, EmbeddingMethod.TEXT_EMB)).getMessage());
        }
    }

    /**
     * A batch size above the rows is one batch of them all. Counted as (rows + batchSize - 1) /
     * batchSize in int, Integer.MAX_VALUE wrapped to no batch at all: TextEmb summed nothing and
     * answered a vector of zeros (finite, so nothing refused it), and TaskEmb divided by an empty
     * cache. Both now equal the embedding of one batch of every row (the batch size of the row count).
     */
    @Test
    void aBatchSizeNearTheIntRangeIsOneBatchOfEveryRow() throws Exception {
        int rows = classifier.features().get(Split.TRAIN).tokens().rowCount();
        int units = classifier.features().get(Split.TRAIN).size();
        float[] text;
        float[] fisher;
        try (TaskEmbedder e = embedder().optBatchSize(Math.max(rows, units)).optHeadSteps(2).build()) {
            text = e.textEmb(classifier).values();
            fisher = e.taskEmb(classifier).values();
        }
        try (TaskEmbedder e = embedder().optBatchSize(Integer.MAX_VALUE).optHeadSteps(2).build()) {
            assertArrayEquals(text, e.textEmb(classifier).values(), "textemb");
            assertArrayEquals(fisher, e.taskEmb(classifier).values(), "taskemb");
        }
    }

    @Test
    void anEditedDataSetOfTheSameSizesIsComputedAgain(@TempDir Path dir) throws Exception {
        // the same sizes: labels flipped, or each "a" written "h"
        List<TextExample> flipped = texts.stream().map(t -> new TextExample(t.id(), t.textA(), null,
                t.label().equals("yes") ? "no" : "yes")).toList();
        List<TextExample> rewritten = texts.stream().map(t -> new TextExample(t.id(), t.textA().replace("a", "h"),
                null, t.label())).toList();
        EmbeddingStore store = EmbeddingStore.open(dir);
        try (TaskEmbedder e = embedder().optHeadSteps(5).optStore(store).build()) {
            for (EmbeddingMethod m : EmbeddingMethod.values()) {
                e.embed(classifier, m);
                // TextEmb reads no label, so flipped labels may be answered from the store
                answeredAsComputed(e, m, classifier(flipped), m == EmbeddingMethod.TASK_EMB);
                answeredAsComputed(e, m, classifier(rewritten), true);
            }
        }
    }

    private static void answeredAsComputed(TaskEmbedder e, EmbeddingMethod m, FeaturizedTask edited, boolean newKey)
            throws IOException {
        float[] direct = (m == EmbeddingMethod.TEXT_EMB ? e.textEmb(edited) : e.taskEmb(edited)).values();
        assertArrayEquals(direct, e.embed(edited, m).values(), m.cliName());
        assertEquals(newKey, !e.settings(edited, m).equals(e.settings(classifier, m)), m.cliName());
    }

    @Test
    void rejectsOutOfRangeOptions() {
        assertThrows(IllegalArgumentException.class, () -> embedder().optFisherExamples(0).build());
        assertThrows(IllegalArgumentException.class, () -> embedder().optBatchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> embedder().optThreads(0).build());
        assertThrows(IllegalArgumentException.class, () -> TaskEmbedder.builder().setManager(manager).build());
    }

    private static float max(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
