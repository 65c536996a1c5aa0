package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.JsonlClassificationReader;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.SubjQaReader;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads every shared data file the catalog knows and compares counts with the tables of {@code
 * data/SOURCES.md}, and checks each trap listed there.
 */
class SharedDataTest {
    private static Path data() {
        return SharedFixtures.require("data");
    }

    private static SplitSource source(String task, String path) {
        return TaskCatalog.task(task).source().files().stream().filter(s -> s.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(task + " does not know " + path));
    }

    /** Each file read once for the class: several cases inspect the same large files (read-only). */
    private static final Map<String, ReadResult<?>> READ = new HashMap<>();

    private static synchronized ReadResult<?> read(String task, String path) throws IOException {
        String key = task + " " + path;
        ReadResult<?> r = READ.get(key);
        if (r == null) {
            r = source(task, path).reader().read(data().resolve(path));
            READ.put(key, r);
        }
        return r;
    }

    private static void conll(String task, String path, int sentences, int tokens) throws IOException {
        ReadResult<?> r = read(task, path);
        assertEquals(sentences, r.report().records(), path + " sentences");
        assertEquals(sentences, r.examples().size(), path + " examples");
        int t = r.examples().stream().mapToInt(e -> ((TokenExample) e).tokens().size()).sum();
        assertEquals(tokens, t, path + " tokens");
    }

    private static List<String> labels(ReadResult<?> r) {
        List<String> out = new ArrayList<>();
        for (Example e : r.examples()) {
            out.add(((TextExample) e).label());
        }
        return out;
    }

    private static Map<String, Integer> counts(List<String> labels) {
        Map<String, Integer> m = new TreeMap<>();
        labels.forEach(l -> m.merge(l, 1, Integer::sum));
        return m;
    }

    @Test
    void sequenceLabellingFilesMatchSourceTables() throws IOException {
        conll("wnut17", "sl/wnut17/wnut17train.conll", 3394, 62730);
        conll("wnut17", "sl/wnut17/emerging.dev.conll", 1009, 15733);
        conll("wnut17", "sl/wnut17/emerging.test.annotated", 1287, 23394);
        conll("mit-movie", "sl/mit_movie/engtrain.bio", 9775, 99491);
        conll("mit-movie", "sl/mit_movie/engtest.bio", 2443, 24686);
        conll("ncbi-disease", "sl/ncbi_disease/train.tsv", 5432, 136086);
        conll("ncbi-disease", "sl/ncbi_disease/devel.tsv", 923, 23969);
        conll("ncbi-disease", "sl/ncbi_disease/test.tsv", 940, 24497);
        conll("conll2003-en", "sl/conll2003/eng.train", 14041, 203621);
        conll("conll2003-en", "sl/conll2003/eng.testa", 3250, 51362);
        conll("conll2003-en", "sl/conll2003/eng.testb", 3453, 46435);
        conll("conll2002-es", "sl/conll2002/es/esp.train", 8323, 264715);
        conll("conll2002-es", "sl/conll2002/es/esp.testa", 1915, 52923);
        conll("conll2002-es", "sl/conll2002/es/esp.testb", 1517, 51533);
        conll("conll2002-nl", "sl/conll2002/nl/ned.train", 15806, 202644);
        conll("conll2002-nl", "sl/conll2002/nl/ned.testa", 2895, 37687);
        conll("conll2002-nl", "sl/conll2002/nl/ned.testb", 5195, 68875);
        conll("atis", "sl/atis/bio/train.bio", 4478, 50497);
        conll("atis", "sl/atis/bio/valid.bio", 500, 5703);
        conll("atis", "sl/atis/bio/test.bio", 893, 9164);
        conll("snips", "sl/snips/bio/train.bio", 13084, 117700);
        conll("snips", "sl/snips/bio/valid.bio", 700, 6384);
        conll("snips", "sl/snips/bio/test.bio", 700, 6354);
        conll("gum", "sl/gum/gum-train.conll", 2495, 44111);
        conll("gum", "sl/gum/gum-test.conll", 1000, 18236);
        conll("sec-filings", "sl/sec_filings/FIN5.txt", 1164, 41010);
        conll("sec-filings", "sl/sec_filings/FIN3.txt", 303, 13246);
        conll("re3d", "sl/re3d/re3d-train.conll", 765, 20030);
        conll("re3d", "sl/re3d/re3d-test.conll", 200, 5258);
        conll("anem", "sl/anem/AnEM.train", 2815, 71697);
        conll("anem", "sl/anem/AnEM.test", 1882, 45939);
        conll("wikigold", "sl/wikigold/wikigold.conll.txt", 1696, 39007);
    }

    @Test
    void wnut17LoneTabSeparatorsAndBomInsideToken() throws IOException {
        // SOURCES.md: 2,394 of the train separators are a lone TAB; counts above already depend on it
        ReadResult<?> train = read("wnut17", "sl/wnut17/wnut17train.conll");
        assertEquals(3394, train.examples().size());
        ReadResult<?> dev = read("wnut17", "sl/wnut17/emerging.dev.conll");
        assertEquals(1, dev.report().cleaned(ReadReport.BOM_INSIDE));
        boolean found = false;
        for (Example e : dev.examples()) {
            for (String tok : ((TokenExample) e).tokens()) {
                assertFalse(tok.contains("\uFEFF"), tok);
                found |= tok.equals("Dubbz");
            }
        }
        assertTrue(found, "Dubbz\\ufeff is read as Dubbz");
        // the sentence holding line 16730 starts at or before it and holds Dubbz
        assertTrue(dev.examples().stream().map(e -> (TokenExample) e)
                .anyMatch(e -> e.tokens().contains("Dubbz") && Integer.parseInt(e.id().substring(e.id().lastIndexOf(':') + 1)) <= 16730));
    }

    @Test
    void mrpcBomAtFileStartIsRemovedAndCounted() throws IOException {
        ReadResult<?> r = read("mrpc", "cls/glue_mrpc/train.tsv");
        assertEquals(1, r.report().cleaned(ReadReport.BOM_AT_START));
        assertEquals(3667, r.examples().size());
        assertEquals(408, read("mrpc", "cls/glue_mrpc/dev.tsv").examples().size());
    }

    @Test
    void mitMovieTagFirstColumns() throws IOException {
        TokenExample first = (TokenExample) read("mit-movie", "sl/mit_movie/engtrain.bio").examples().get(0);
        // file: O what / O movies / O star / B-ACTOR bruce
        assertEquals(List.of("what", "movies", "star", "bruce"), first.tokens().subList(0, 4));
        assertEquals(List.of("O", "O", "O", "B-ACTOR"), first.tags().subList(0, 4));
    }

    @Test
    void iob1FilesAreConvertedToIob2() throws IOException {
        for (String[] f : new String[][] {{"conll2003-en", "sl/conll2003/eng.train"},
                {"wikigold", "sl/wikigold/wikigold.conll.txt"}, {"sec-filings", "sl/sec_filings/FIN5.txt"}}) {
            ReadResult<?> r = read(f[0], f[1]);
            assertTrue(r.report().repaired(ConllReader.CONVERTED_TO_IOB2) > 0, f[1]);
            for (Example e : r.examples()) {
                assertIob2((TokenExample) e);
            }
        }
        // Wikigold has only I- tags in the file: every entity now opens with B-
        ReadResult<?> wg = read("wikigold", "sl/wikigold/wikigold.conll.txt");
        long b = wg.examples().stream().flatMap(e -> ((TokenExample) e).tags().stream()).filter(t -> t.startsWith("B-")).count();
        assertEquals(wg.report().repaired(ConllReader.CONVERTED_TO_IOB2), b);
    }

    /**
     * SOURCES.md: each CoNLL-2002 Spanish file has one entity that opens with {@code I-}; the other
     * IOB2 files have none. Each such tag is flagged, as is every IOB1 entity of CoNLL-2003 read with
     * the IOB2 default, counted here by a parse of the file's own.
     */
    @Test
    void iob2EntitiesOpeningWithIAreFlaggedOnePerTag() throws IOException {
        for (String f : List.of("sl/conll2002/es/esp.train", "sl/conll2002/es/esp.testa", "sl/conll2002/es/esp.testb")) {
            ReadResult<?> r = read("conll2002-es", f);
            assertEquals(1, r.report().flagged(ConllReader.I_OPENS_ENTITY), f);
            assertEquals(1, openingI(f), f + ", counted from the file");
        }
        String[][] iob2 = {{"wnut17", "sl/wnut17/wnut17train.conll"}, {"conll2002-nl", "sl/conll2002/nl/ned.train"},
                {"ncbi-disease", "sl/ncbi_disease/train.tsv"}, {"gum", "sl/gum/gum-train.conll"},
                {"anem", "sl/anem/AnEM.train"}, {"atis", "sl/atis/bio/train.bio"}, {"snips", "sl/snips/bio/train.bio"},
                {"mit-movie", "sl/mit_movie/engtrain.bio"}, {"re3d", "sl/re3d/re3d-train.conll"}};
        for (String[] t : iob2) {
            assertEquals(0, read(t[0], t[1]).report().totalFlagged(), t[1]);
        }
        // its smallest file (a quarter of eng.train) shows the same
        int independent = openingI("sl/conll2003/eng.testb");
        assertTrue(independent > 1000, "CoNLL-2003 is IOB1: most entities open with I-, found " + independent);
        assertEquals(independent, ConllReader.builder().build().read(data().resolve("sl/conll2003/eng.testb"))
                .report().flagged(ConllReader.I_OPENS_ENTITY));
    }

    /** Counts I- tags not after a B- or I- of their type: last whitespace field, blank or -DOCSTART- lines reset. */
    private static int openingI(String path) throws IOException {
        int n = 0;
        String prev = "O";
        for (String line : java.nio.file.Files.readAllLines(data().resolve(path))) {
            String[] f = line.strip().split("\\s+");
            if (line.isBlank() || f[0].equals("-DOCSTART-")) {
                prev = "O";
                continue;
            }
            String tag = f[f.length - 1];
            if (tag.startsWith("I-") && (prev.equals("O") || !prev.substring(2).equals(tag.substring(2)))) {
                n++;
            }
            prev = tag;
        }
        return n;
    }

    private static void assertIob2(TokenExample e) {
        String prev = "O";
        for (String tag : e.tags()) {
            if (tag.startsWith("I-")) {
                assertTrue(prev.length() > 2 && prev.substring(2).equals(tag.substring(2)),
                        e.id() + ": " + tag + " after " + prev);
            }
            prev = tag;
        }
    }

    @Test
    void glueFilesMatchSourceTables() throws IOException {
        ReadResult<?> cola = read("cola", "cls/glue_cola/train.tsv");
        assertEquals(8551, cola.examples().size());
        assertEquals(Map.of("0", 2528, "1", 6023), counts(labels(cola)));
        TextExample c0 = (TextExample) cola.examples().get(0);
        assertEquals("Our friends won't buy this analysis, let alone the next one we propose.", c0.textA());
        assertEquals(1043, read("cola", "cls/glue_cola/dev.tsv").examples().size());
        ReadResult<?> sst = read("sst2", "cls/glue_sst2/train.tsv");
        assertEquals(Map.of("0", 29780, "1", 37569), counts(labels(sst)));
        assertEquals(872, read("sst2", "cls/glue_sst2/dev.tsv").examples().size());
        ReadResult<?> rte = read("rte", "cls/glue_rte/train.tsv");
        assertEquals(Map.of("entailment", 1249, "not_entailment", 1241), counts(labels(rte)));
        assertEquals(277, read("rte", "cls/glue_rte/dev.tsv").examples().size());
        assertEquals(635, read("wnli", "cls/glue_wnli/train.tsv").examples().size());
        assertEquals(71, read("wnli", "cls/glue_wnli/dev.tsv").examples().size());
    }

    @Test
    void superGlueFilesMatchSourceTables() throws IOException {
        assertEquals(Map.of("contradiction", 119, "entailment", 115, "neutral", 16),
                counts(labels(read("cb", "cls/cb/train.jsonl"))));
        assertEquals(Map.of("contradiction", 28, "entailment", 23, "neutral", 5),
                counts(labels(read("cb", "cls/cb/val.jsonl"))));
        assertEquals(Map.of("false", 1237, "true", 2033), counts(labels(read("boolq", "cls/boolq/val.jsonl"))));
        assertEquals(400, read("copa", "cls/copa/train.jsonl").examples().size());
        assertEquals(100, read("copa", "cls/copa/val.jsonl").examples().size());
        assertEquals(5428, read("wic", "cls/wic/original/train.data.txt").examples().size());
        ReadResult<?> wicDev = read("wic", "cls/wic/original/dev.data.txt");
        assertEquals(638, wicDev.examples().size());
        assertEquals(1400, read("wic", "cls/wic/original/test.data.txt").examples().size());
        // the SuperGLUE copy of WiC dev has the same 319/319 balance
        ReadResult<TextExample> wicVal = JsonlClassificationReader.wic().read(data().resolve("cls/wic/val.jsonl"));
        assertEquals(Map.of("false", 319, "true", 319), counts(labels(wicVal)));
        assertEquals("class: An emerging professional class.", wicVal.examples().get(0).textA());
        assertEquals(counts(labels(wicDev)), counts(labels(wicVal)));
    }

    @Test
    void qaFilesMatchSourceTables() throws IOException {
        ReadResult<?> squad = read("squad", "qa/squad_v1.1/dev-v1.1.json");
        assertEquals(10570, squad.examples().size());
        assertEquals(0, squad.report().totalSkipped());
        assertEquals(1190, read("xquad-en", "qa/xquad/xquad.en.json").examples().size());
        assertEquals(3560, read("squad-adversarial", "qa/squad_adversarial/sample1k-HCVerifyAll.json").examples().size());
        assertEquals(1787, new SquadReader().read(data().resolve("qa/squad_adversarial/sample1k-HCVerifySample.json"))
                .examples().size());
        ReadResult<?> qed = read("qed", "qa/qed/qed-dev.jsonlines");
        assertEquals(1355, qed.report().records());
        assertEquals(0, qed.report().skipped("answer not at its offset"));
        assertEquals(1355 - qed.report().skipped(io.github.prefine.core.data.QedReader.NO_SINGLE_SPAN_ANSWER),
                qed.examples().size());
        QaExample q0 = (QaExample) qed.examples().get(0);
        assertEquals("Wilhelm Conrad R\u00f6ntgen", q0.answers().get(0).text());
    }

    @Test
    void subjQaRowsPairsAndAnswerRepairs() throws IOException {
        ReadResult<?> dev = read("subjqa-books", "qa/subjqa/books/dev.csv");
        assertEquals(265, dev.report().records());
        ReadResult<?> test = read("subjqa-books", "qa/subjqa/books/test.csv");
        assertEquals(692, test.report().records());
        // 94 answerable rows in dev, 241 in test; each is kept, repaired, or dropped
        int devAnswers = dev.examples().stream().mapToInt(e -> ((QaExample) e).answers().size()).sum();
        assertTrue(devAnswers <= 94);
        Map<String, Integer> expected = new HashMap<>();
        expected.put("dev-repaired", 11);
        expected.put("dev-dropped", 4);
        expected.put("test-repaired", 35);
        expected.put("test-dropped", 18);
        assertEquals(expected.get("dev-repaired"), dev.report().repaired(SubjQaReader.REPAIR_WHITESPACE));
        assertEquals(expected.get("dev-dropped"), dev.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        assertEquals(expected.get("test-repaired"), test.report().repaired(SubjQaReader.REPAIR_WHITESPACE));
        assertEquals(expected.get("test-dropped"), test.report().skipped(SquadReader.ANSWER_NOT_AT_OFFSET));
        // 256 unique pairs in dev, 345 in test: every pair is either an example or skipped once
        assertEquals(256, dev.examples().size() + dev.report().skipped(SubjQaReader.UNANSWERABLE)
                + dev.report().skipped(SquadReader.NO_VALID_ANSWER));
        assertEquals(345, test.examples().size() + test.report().skipped(SubjQaReader.UNANSWERABLE)
                + test.report().skipped(SquadReader.NO_VALID_ANSWER));
    }

    /**
     * The loads of {@link #everyPresentCatalogFileLoadsThroughItsTask}, as much work as the reads of
     * every other case: started on a thread of their own before the first case, so they run beside
     * the other cases' reads (on a second core) and the case only collects them.
     */
    private static Future<Integer> loads;

    @BeforeAll
    static void startLoading() {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shared-data-loads");
            t.setDaemon(true);
            return t;
        });
        loads = thread.submit(SharedDataTest::loadEveryPresentTask);
        thread.shutdown();
    }

    private static int loadEveryPresentTask() throws IOException {
        Path root = data();
        int loaded = 0;
        for (Task task : TaskCatalog.all()) {
            TaskAvailability a = task.availability(root);
            if (a.missing().size() == task.source().files().size()) {
                continue;
            }
            TaskData d = task.load(root, io.github.prefine.core.data.Leniency.STRICT);
            assertFalse(d.splits().isEmpty(), task.name());
            loaded++;
        }
        return loaded;
    }

    @Test
    void everyPresentCatalogFileLoadsThroughItsTask() throws Throwable {
        int loaded;
        try {
            loaded = loads.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause(); // the load's own failure, as if it had run here
        }
        // 15 of the 29 pre-finetuning tasks (9 SL, 5 GLUE, SQuAD dev) and all 12 targets
        assertEquals(27, loaded, "catalogued tasks with at least one file in the shared data");
    }

    @Test
    void holdOutSplitsAreFourToOneAndKeepAdversarialVariantsTogether() throws IOException {
        Path root = data();
        TaskData wg = TaskCatalog.task("wikigold").load(root, io.github.prefine.core.data.Leniency.STRICT);
        assertEquals(1696, wg.split(Split.TRAIN).size() + wg.split(Split.VALIDATION).size());
        assertEquals(Math.round(1696 / 5.0), wg.split(Split.VALIDATION).size());
        TaskData adv = TaskCatalog.task("squad-adversarial").load(root, io.github.prefine.core.data.Leniency.STRICT);
        java.util.Set<String> trainKeys = new java.util.HashSet<>();
        adv.split(Split.TRAIN).forEach(e -> trainKeys.add(TaskSource.BY_ID_PREFIX.apply(e)));
        for (Example e : adv.split(Split.VALIDATION)) {
            assertFalse(trainKeys.contains(TaskSource.BY_ID_PREFIX.apply(e)), e.id());
        }
        int v = adv.split(Split.VALIDATION).size();
        assertTrue(v >= 712 && v < 712 + 5, "about a fifth of 3,560, found " + v);
    }

    @Test
    void registryReportsMissingFilesWithoutFailing() {
        Path root = data();
        TaskRegistry registry = TaskCatalog.prefinetuningRegistry();
        TaskAvailability de = registry.task("conll2003-de").availability(root);
        assertFalse(de.available());
        assertEquals(root.resolve("sl/conll2003_de/deu.train").toAbsolutePath().normalize(), de.missing().get(0));
        assertTrue(registry.task("conll2003-en").availability(root).available());
        assertEquals(14, registry.available(root).size(), "9 SL + 5 GLUE available in full; SQuAD lacks train");
    }
}
