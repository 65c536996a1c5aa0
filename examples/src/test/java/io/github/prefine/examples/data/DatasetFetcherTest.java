package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.HubParquet.classLabel;
import static io.github.prefine.examples.data.HubParquet.sequence;
import static io.github.prefine.examples.data.HubParquet.value;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.list;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.GoldAnswer;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.examples.data.parquet.ParquetFile;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFetcherTest {
    private static final List<String> CONLL_NAMES =
            List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");

    @TempDir
    Path data;
    @TempDir
    Path cache;

    private FakeDatasetHub hub;
    /** The waits between retries and resumes, recorded instead of slept: HubHttp's backoff is checked, not waited out. */
    private final List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        hub = new FakeDatasetHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private DatasetFetcher fetcher(String token, boolean offline, boolean force) {
        HubSettings s = new HubSettings(hub.endpoint(), cache, offline, token);
        return new DatasetFetcher(s, data, force, (f, done, total) -> { }, Duration.ofSeconds(5),
                TaskVersions.SymbolicLinks.FILE_SYSTEM, waits::add);
    }

    private DatasetFetcher fetcher() {
        return fetcher(null, false, false);
    }

    // ---- sequence labelling with ClassLabel tags ----

    /** Sentences as (tokens, tag indices); the second has two adjacent PER entities (B-PER after I-PER). */
    private static List<Map<String, Object>> conllRows(int n, int seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", Integer.toString(i));
            List<Object> tokens = new ArrayList<>();
            List<Object> tags = new ArrayList<>();
            int len = 2 + (i + seed) % 5;
            for (int k = 0; k < len; k++) {
                tokens.add("w" + seed + "_" + i + "_" + k);
                boolean outside = (i + k + seed) % 3 == 0;
                boolean begins = k == 0 || (Long) tags.get(k - 1) == 0L;
                tags.add(outside ? 0L : begins ? 5L : 6L); // valid IOB2, as the Hub's copy is
            }
            if (i == 1) {
                tokens = new ArrayList<>(List.of("Anna", "Maria", "Bo", "said"));
                tags = new ArrayList<>(List.of(1L, 2L, 1L, 0L));
            }
            r.put("tokens", tokens);
            r.put("ner_tags", tags);
            rows.add(r);
        }
        return rows;
    }

    private void putConll(String repo, String config, Map<String, List<Map<String, Object>>> splits) throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("id", value("string"));
        features.put("tokens", sequence(value("string")));
        features.put("ner_tags", sequence(classLabel(CONLL_NAMES)));
        for (var e : splits.entrySet()) {
            TestParquetWriter w = new TestParquetWriter().field(string("id")).field(list("tokens", string("element")))
                    .field(list("ner_tags", int64("element"))).dictionary(true).rowsPerPage(3);
            hub.put(repo, config + "/" + e.getKey() + "/0000.parquet", HubParquet.file(w, features, e.getValue()));
        }
    }

    @Test
    void fetchesASequenceLabellingSetWithClassLabelTagsIntoTheCatalogLayout() throws IOException {
        Map<String, List<Map<String, Object>>> splits = new LinkedHashMap<>();
        splits.put("train", conllRows(9, 0));
        splits.put("validation", conllRows(4, 1));
        splits.put("test", conllRows(5, 2));
        putConll("eriktks/conll2003", "conll2003", splits);

        DatasetFetcher.Result r = fetcher().fetch("conll2003-en");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        assertTrue(Files.isRegularFile(data.resolve("sl/conll2003/eng.train")));
        TaskData d = TaskCatalog.task("conll2003-en").load(data, Leniency.STRICT);
        Map<Split, String> hubSplit = Map.of(Split.TRAIN, "train", Split.VALIDATION, "validation", Split.TEST, "test");
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            List<Map<String, Object>> rows = splits.get(hubSplit.get(s));
            List<Example> got = d.split(s);
            assertEquals(rows.size(), got.size(), s.name());
            for (int i = 0; i < rows.size(); i++) {
                TokenExample t = (TokenExample) got.get(i);
                assertEquals(rows.get(i).get("tokens"), t.tokens());
                List<String> tags = new ArrayList<>();
                for (Object o : (List<?>) rows.get(i).get("ner_tags")) {
                    tags.add(CONLL_NAMES.get(((Long) o).intValue()));
                }
                assertEquals(tags, t.tags(), "sentence " + i + " of " + s);
            }
        }
        // the adjacent-entity sentence keeps its second B-PER through the catalog's IOB1 reader
        assertEquals(List.of("B-PER", "I-PER", "B-PER", "O"), ((TokenExample) d.split(Split.TRAIN).get(1)).tags());
        FetchRecord rec = FetchRecord.read(data, "conll2003-en").orElseThrow();
        assertEquals(FakeDatasetHub.COMMIT, rec.revision());
        assertEquals(Map.of("train", 9, "validation", 4, "test", 5), rec.counts());
        assertEquals(3, rec.sources().size());
        assertEquals(64, rec.sources().get(0).sha256().length());
        assertFalse(Files.exists(FetchRecord.marker(data, "conll2003-en")));

        // a second fetch asks for the revision only and changes nothing
        hub.clearSeen();
        assertEquals(DatasetFetcher.Outcome.UP_TO_DATE, fetcher().fetch("conll2003-en").outcome());
        assertEquals(1, hub.seen().size(), hub.seen().toString());

        DataStatus.Row row = DataStatus.row(data, TaskCatalog.task("conll2003-en"));
        assertEquals(DataStatus.State.PRESENT, row.state());
        assertEquals(Map.of(Split.TRAIN, 9, Split.VALIDATION, 4, Split.TEST, 5), row.counts());
        assertTrue(row.source().startsWith("fetched eriktks/conll2003@c0ffee012345"), row.source());
    }

    @Test
    void leavesHandLaidFilesAloneUnlessForced() throws IOException {
        putConll("eriktks/conll2003", "conll2003", Map.of("train", conllRows(3, 0), "validation", conllRows(2, 0),
                "test", conllRows(2, 0)));
        Path hand = data.resolve("sl/conll2003/eng.train");
        Files.createDirectories(hand.getParent());
        Files.writeString(hand, "EU B-ORG\n\n");

        DatasetFetcher.Result r = fetcher().fetch("conll2003-en");

        assertEquals(DatasetFetcher.Outcome.HAND_LAID, r.outcome());
        assertEquals("EU B-ORG\n\n", Files.readString(hand));
        assertTrue(hub.seen().isEmpty(), "no request for a hand-laid task");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(null, false, true).fetch("conll2003-en").outcome());
        assertEquals(3, TaskCatalog.task("conll2003-en").load(data, Leniency.STRICT).split(Split.TRAIN).size());
    }

    // ---- GLUE-style pair set ----

    private static final List<String> RTE_NAMES = List.of("entailment", "not_entailment");

    private void putPairs(String repo, String config, Map<String, List<Map<String, Object>>> splits,
            boolean withFeatures) throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence1", value("string"));
        features.put("sentence2", value("string"));
        features.put("label", classLabel(RTE_NAMES));
        features.put("idx", value("int32"));
        for (var e : splits.entrySet()) {
            TestParquetWriter w = new TestParquetWriter().field(string("sentence1")).field(string("sentence2"))
                    .field(int64("label")).field(int32("idx")).pageV2(true);
            hub.put(repo, config + "/" + e.getKey() + "/0000.parquet",
                    HubParquet.file(w, withFeatures ? features : null, e.getValue()));
        }
    }

    private static List<Map<String, Object>> pairRows(int n, String prefix) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("sentence1", prefix + " premise " + i + (i == 2 ? "\twith a tab" : ""));
            r.put("sentence2", prefix + " hypothesis é " + i);
            r.put("label", (long) (i % 3 == 0 ? 1 : 0));
            r.put("idx", i);
            rows.add(r);
        }
        return rows;
    }

    @Test
    void fetchesAGluePairSetWithLabelNamesFromTheFeatures() throws IOException {
        Map<String, List<Map<String, Object>>> splits = new LinkedHashMap<>();
        splits.put("train", pairRows(7, "tr"));
        splits.put("validation", pairRows(3, "va"));
        putPairs("nyu-mll/glue", "rte", splits, true);

        DatasetFetcher.Result r = fetcher().fetch("rte");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        TaskData d = TaskCatalog.task("rte").load(data, Leniency.STRICT);
        List<Example> train = d.split(Split.TRAIN);
        assertEquals(7, train.size());
        TextExample first = (TextExample) train.get(0);
        assertEquals("tr premise 0", first.textA());
        assertEquals("tr hypothesis é 0", first.textB());
        assertEquals("not_entailment", first.label());
        assertEquals("entailment", ((TextExample) train.get(1)).label());
        assertEquals("tr premise 2 with a tab", ((TextExample) train.get(2)).textA());
        assertEquals(3, d.split(Split.VALIDATION).size());
        assertEquals(Map.of("TAB or line break inside a TSV field replaced by a space", 2), // row 2 of each split
                FetchRecord.read(data, "rte").orElseThrow().repairs());
    }

    /**
     * After the downloads, the fetch reports each split's conversion as the parquet bytes it
     * decodes, {@code convert rte/train} from 0 to the stored size of the columns the conversion
     * takes (each file's {@code columnBytes}, checked against the file's layout in
     * ParquetFileTest); then it reads its files back for the counts and reports that read as
     * {@code read rte/train} from 0 to the size of the written {@code train.tsv}.
     */
    @Test
    void theConversionAndTheCheckReadReportTheirBytesAfterTheDownloads() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(7, "tr"), "validation", pairRows(3, "va")), true);
        Map<String, List<long[]>> seen = new LinkedHashMap<>();
        DatasetFetcher f = new DatasetFetcher(new HubSettings(hub.endpoint(), cache, false, null), data, false,
                (file, done, total) -> seen.computeIfAbsent(file, k -> new ArrayList<>()).add(new long[] {done, total}),
                Duration.ofSeconds(5));

        assertEquals(DatasetFetcher.Outcome.FETCHED, f.fetch("rte").outcome());

        List<String> names = List.copyOf(seen.keySet());
        assertEquals(List.of("convert rte/train", "convert rte/validation", "read rte/train", "read rte/validation"),
                names.subList(names.size() - 4, names.size()), names.toString());
        assertTrue(names.subList(0, names.size() - 4).stream().allMatch(n -> n.endsWith(".parquet")), names.toString());
        List<String> columns = HubDatasets.forTask("rte").orElseThrow().conversion().columns();
        for (String[] split : new String[][] {{"train", "train.tsv"}, {"validation", "dev.tsv"}}) {
            long stored = 0;
            try (var files = Files.walk(data.resolve(".prefine/hub"))) {
                for (Path p : files.filter(p -> p.toString().endsWith("/rte/" + split[0] + "/0000.parquet")).toList()) {
                    ParquetFile parquet = ParquetFile.open(p);
                    for (String c : columns) {
                        stored += parquet.columnBytes(c);
                    }
                }
            }
            assertTrue(stored > 0, split[0]);
            assertReportsRun(seen.get("convert rte/" + split[0]), stored, split[0]);
            assertReportsRun(seen.get("read rte/" + split[0]), Files.size(data.resolve("cls/glue_rte/" + split[1])),
                    split[0]);
        }
    }

    /** From 0 to the total, never back, the total reported once, every report of that total. */
    private static void assertReportsRun(List<long[]> reports, long total, String split) {
        assertEquals(0, reports.get(0)[0], split);
        assertEquals(total, reports.get(reports.size() - 1)[0], split);
        assertEquals(1, reports.stream().filter(r -> r[0] == total).count(), split);
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i)[0] >= reports.get(i - 1)[0], split);
        }
        assertTrue(reports.stream().allMatch(r -> r[1] == total), split);
    }

    /**
     * The Hub answers a tree listing a page at a time, the next page behind a {@code Link: <URL>;
     * rel="next"} header (as {@code huggingface_hub}'s {@code list_repo_tree} follows it): a split
     * of more files than one page holds must be read from every page, not from the first alone.
     */
    @Test
    void aSplitListedOverSeveralPagesIsReadWhole() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(4, "tr"), "validation", pairRows(2, "va")), true);
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence1", value("string"));
        features.put("sentence2", value("string"));
        features.put("label", classLabel(RTE_NAMES));
        features.put("idx", value("int32"));
        for (int f = 1; f <= 2; f++) {
            TestParquetWriter w = new TestParquetWriter().field(string("sentence1")).field(string("sentence2"))
                    .field(int64("label")).field(int32("idx"));
            hub.put("nyu-mll/glue", "rte/train/000" + f + ".parquet", HubParquet.file(w, features, pairRows(3, "f" + f)));
        }
        hub.pageSize(2);

        DatasetFetcher.Result r = fetcher().fetch("rte");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        List<Example> train = TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN);
        assertEquals(4 + 3 + 3, train.size());
        assertEquals("f2 premise 0", ((TextExample) train.get(7)).textA());
    }

    /** A null text (the Hub's None) is written as an empty field: kept, but counted, never silently. */
    @Test
    void aNullTextIsWrittenEmptyAndCounted() throws IOException {
        List<Map<String, Object>> train = pairRows(4, "tr");
        train.get(1).put("sentence2", null);
        putPairs("nyu-mll/glue", "rte", Map.of("train", train, "validation", pairRows(2, "va")), true);

        DatasetFetcher.Result r = fetcher().fetch("rte");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        assertEquals("", ((TextExample) TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).get(1))
                .textB());
        assertEquals(Map.of("TAB or line break inside a TSV field replaced by a space", 1, // train row 2
                "null text written as an empty field", 1), FetchRecord.read(data, "rte").orElseThrow().repairs());
        assertTrue(r.detail().contains("null text written as an empty field=1"), r.detail());
    }

    @Test
    void refusesToGuessLabelNamesWhenTheFeaturesHaveNone() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(3, "a"), "validation", pairRows(2, "b")), false);

        IOException e = assertThrows(IOException.class, () -> fetcher().fetch("rte"));

        assertTrue(e.getMessage().contains("no 'huggingface' metadata, so no label names"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(data.resolve("cls/glue_rte/train.tsv")), "nothing half-written");
        try (Stream<Path> s = Files.walk(data)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".fetch-tmp") || p.toString().endsWith(".staging"))
                    .toList(), "a failed conversion left its files");
        }
        assertEquals(DataStatus.State.MISSING, DataStatus.row(data, TaskCatalog.task("rte")).state());
    }

    // ---- MRQA-style QA with character offsets ----

    private static Map<String, Object> mrqaRow(String subset, String qid, String context, String answer) {
        int s = context.indexOf(answer);
        Map<String, Object> span = new LinkedHashMap<>();
        span.put("start", List.of(s));
        span.put("end", List.of(s + answer.length() - 1)); // MRQA's end is inclusive
        Map<String, Object> det = new LinkedHashMap<>();
        det.put("text", List.of(answer.toUpperCase(java.util.Locale.ROOT).equals(answer) ? answer : answer));
        det.put("char_spans", List.of(span));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("subset", subset);
        r.put("context", context);
        r.put("qid", qid);
        r.put("question", "where is " + qid + "?");
        r.put("detected_answers", det);
        r.put("answers", List.of(answer, "the city of " + answer));
        return r;
    }

    @Test
    void fetchesAnMrqaSubsetWithCharacterOffsets() throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("subset", value("string"));
        TestParquetWriter w = HubParquet.mrqa().dictionary(true);
        List<Map<String, Object>> train = List.of(
                mrqaRow("NewsQA", "n1", "The cat sat in Paris today.", "Paris"),
                mrqaRow("SearchQA", "s1", "Nothing to see in Rome.", "Rome"),
                mrqaRow("NewsQA", "n2", "Élan arrived at Oslo — late.", "Oslo"));
        List<Map<String, Object>> dev = List.of(mrqaRow("NewsQA", "n3", "A dog in Bergen.", "Bergen"));
        hub.put("mrqa-workshop/mrqa", "plain_text/train/0000.parquet", HubParquet.file(w, features, train));
        hub.put("mrqa-workshop/mrqa", "plain_text/validation/0000.parquet",
                HubParquet.file(HubParquet.mrqa(), features, dev));

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("newsqa").outcome());

        TaskData d = TaskCatalog.task("newsqa").load(data, Leniency.STRICT);
        List<Example> tr = d.split(Split.TRAIN);
        assertEquals(2, tr.size(), "only the NewsQA rows");
        QaExample q = (QaExample) tr.get(1);
        assertEquals("Élan arrived at Oslo — late.", q.context());
        assertEquals(List.of(new GoldAnswer("Oslo", 16)), q.answers());
        // scored, as MRQA's evaluation scores, against its "answers" list, aliases included
        assertEquals(List.of("Oslo", "the city of Oslo"), q.references());
        assertEquals(1, d.split(Split.VALIDATION).size());
        assertEquals("Bergen", ((QaExample) d.split(Split.VALIDATION).get(0)).answers().get(0).text());
    }

    // ---- SubjQA and QED: QA sets the catalog reads in their own formats ----

    private static Map<String, Object> subjqaRow(String id, String item, String context, String question,
            List<String> answers) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("text", answers);
        List<Object> starts = new ArrayList<>();
        answers.forEach(t -> starts.add(context.indexOf(t)));
        a.put("answer_start", starts);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("domain", "books");
        r.put("id", id);
        r.put("title", item);
        r.put("context", context);
        r.put("question", question);
        r.put("answers", a);
        return r;
    }

    @Test
    void fetchesSubjQaBackIntoItsCsvWithTheReviewMarkerAndUnanswerableQuestions() throws IOException {
        // the Hub's rows are SQuAD-shaped: the review without its " ANSWERNOTFOUND" marker, no answer
        // for an unanswerable question; text with a comma, quotes and a line break must survive the CSV
        String review = "I loved it, \"truly\".\nGreat plot, dull cover.";
        List<Map<String, Object>> train = List.of(
                subjqaRow("q1", "item1", review, "How is the plot?", List.of("Great plot")),
                subjqaRow("q2", "item1", review, "Is it long?", List.of()),
                subjqaRow("q3", "item2", "Nice cover. The cover is blue.", "How is the cover?",
                        List.of("Nice cover", "The cover is blue")));
        List<Map<String, Object>> other = List.of(subjqaRow("q4", "item3", "Short and sweet.", "Is it short?",
                List.of("Short")));
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("id", value("string"));
        features.put("context", value("string"));
        for (var e : Map.of("train", train, "validation", other, "test", other).entrySet()) {
            TestParquetWriter w = new TestParquetWriter().field(string("domain")).field(string("id"))
                    .field(string("title")).field(string("context")).field(string("question"))
                    .field(struct("answers", list("text", string("element")), list("answer_start", int32("element"))));
            hub.put("megagonlabs/subjqa", "books/" + e.getKey() + "/0000.parquet", HubParquet.file(w, features, e.getValue()));
        }

        DatasetFetcher.Result r = fetcher().fetch("subjqa-books");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        assertTrue(Files.isRegularFile(data.resolve("qa/subjqa/books/dev.csv")));
        TaskData d = TaskCatalog.task("subjqa-books").load(data, Leniency.STRICT);
        List<Example> tr = d.split(Split.TRAIN);
        assertEquals(2, tr.size(), "the unanswerable q2 is skipped by the reader, as in the original files");
        QaExample q1 = (QaExample) tr.get(0);
        assertEquals("q1", q1.id());
        assertEquals(review + " ANSWERNOTFOUND", q1.context(), "the marker is back at the end of the review");
        assertEquals(List.of(new GoldAnswer("Great plot", 21)), q1.answers());
        QaExample q3 = (QaExample) tr.get(1);
        assertEquals(List.of(new GoldAnswer("Nice cover", 0), new GoldAnswer("The cover is blue", 12)), q3.answers());
        assertEquals(1, d.split(Split.VALIDATION).size());
        assertEquals(1, d.split(Split.TEST).size());
        assertEquals(Map.of("train", 2, "validation", 1, "test", 1), FetchRecord.read(data, "subjqa-books")
                .orElseThrow().counts());
    }

    private static Map<String, Object> span(int start, String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start);
        m.put("end", start + text.length());
        m.put("string", text);
        return m;
    }

    @Test
    void fetchesQedWithItsAnswerSpansAndTheFirstNqAnswerAsTheFallback() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String context = "Paragraph " + i + " says that Oslo" + i + " is north of Bergen" + i + ".";
            String oslo = "Oslo" + i;
            String bergen = "Bergen" + i;
            List<Object> answers = new ArrayList<>();
            List<Object> nq = new ArrayList<>();
            if (i % 3 == 0) { // a QED answer: read whatever the NQ answers are
                answers.add(Map.of("paragraph_reference", span(context.indexOf(oslo), oslo)));
                nq.add(span(context.indexOf(bergen), bergen));
            } else if (i % 3 == 1) { // no QED answer: the first NQ answer, one span
                nq.add(span(context.indexOf(bergen), bergen));
            } else { // no QED answer and a two-span NQ answer: nothing to extract
                nq.add(span(context.indexOf(oslo), oslo));
                nq.add(span(context.indexOf(bergen), bergen));
            }
            Map<String, Object> annotation = new LinkedHashMap<>();
            annotation.put("answer", answers);
            annotation.put("explanation_type", answers.isEmpty() ? "none" : "single_sentence");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("example_id", -4000000000000000000L - i);
            r.put("title_text", "Title " + i);
            r.put("question", "where is " + i + "?");
            r.put("paragraph_text", context);
            r.put("original_nq_answers", nq);
            r.put("annotation", annotation);
            rows.add(r);
        }
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("example_id", value("int64"));
        TestParquetWriter w = new TestParquetWriter().field(int64("example_id")).field(string("title_text"))
                .field(string("question")).field(string("paragraph_text"))
                .field(list("original_nq_answers", struct("element", int32("start"), int32("end"), string("string"))))
                .field(struct("annotation", list("answer", struct("element", struct("paragraph_reference",
                        int32("start"), int32("end"), string("string")))), string("explanation_type")))
                .rowsPerPage(4);
        hub.put("google-research-datasets/qed", "qed/validation/0000.parquet", HubParquet.file(w, features, rows));

        DatasetFetcher.Result r = fetcher().fetch("qed");

        assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
        TaskData d = TaskCatalog.task("qed").load(data, Leniency.STRICT);
        Map<String, QaExample> byQuestion = new LinkedHashMap<>();
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION)) {
            for (Example e : d.split(s)) {
                byQuestion.put(((QaExample) e).question(), (QaExample) e);
            }
        }
        assertEquals(7, byQuestion.size(), "rows 2, 5 and 8 have no single-span answer and are skipped");
        for (int i = 0; i < 10; i++) {
            QaExample q = byQuestion.get("where is " + i + "?");
            if (i % 3 == 2) {
                assertEquals(null, q, "row " + i);
                continue;
            }
            String want = i % 3 == 0 ? "Oslo" + i : "Bergen" + i;
            assertEquals(List.of(new GoldAnswer(want, q.context().indexOf(want))), q.answers(), "row " + i);
            assertEquals(Long.toString(-4000000000000000000L - i), q.id(), "the int64 id keeps every digit");
        }
    }

    // ---- the paper's 4:1 split ----

    @Test
    void writesAOneSplitDatasetAsTheFileTheCatalogHoldsOutFourToOne() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String context = "Paragraph " + (i / 5) + " mentions token" + i + " once.";
            Map<String, Object> answers = new LinkedHashMap<>();
            answers.put("text", List.of("token" + i));
            answers.put("answer_start", List.of(context.indexOf("token" + i)));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", "q" + i);
            r.put("context", context);
            r.put("question", "which token " + i + "?");
            r.put("answers", answers);
            rows.add(r);
        }
        TestParquetWriter w = new TestParquetWriter().field(string("id")).field(string("context"))
                .field(string("question")).field(struct("answers", list("text", string("element")),
                        list("answer_start", int32("element")))).rowsPerGroup(20);
        hub.put("google/xquad", "xquad.en/validation/0000.parquet", HubParquet.file(w, Map.of(), rows));

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("xquad-en").outcome());

        TaskData d = TaskCatalog.task("xquad-en").load(data, Leniency.STRICT);
        List<Example> train = d.split(Split.TRAIN);
        List<Example> val = d.split(Split.VALIDATION);
        assertEquals(40, train.size());
        assertEquals(10, val.size());
        Set<String> ids = new HashSet<>();
        for (Example e : train) {
            ids.add(((QaExample) e).question());
        }
        for (Example e : val) {
            assertTrue(ids.add(((QaExample) e).question()), "train and validation are disjoint");
            QaExample q = (QaExample) e;
            assertEquals(q.context().substring(q.answers().get(0).start(),
                    q.answers().get(0).start() + q.answers().get(0).text().length()), q.answers().get(0).text());
        }
        assertEquals(50, ids.size());
        assertEquals(Map.of("train", 40, "validation", 10), FetchRecord.read(data, "xquad-en").orElseThrow().counts());
    }

    /**
     * The staging folders stopped fetches left are counted "1 staging folder", "2 staging folders" in
     * the fetch's result, and so is the warning of what was deleted, where both said "(s)"; an
     * unpublished version (renamed from staging, never made current) is counted as one, not as a
     * staging folder.
     */
    @Test
    void theStagingFoldersAFetchDeletesAreCountedInTheSingularForOne() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(7, "t"), "validation", pairRows(3, "v")), true);
        Path versions = TaskVersions.dir(data, "rte");
        Files.createDirectories(versions.resolve("v-stopped1.staging"));
        StringBuilder logs = new StringBuilder();
        DatasetFetcher.Result one = fetchLogged(logs);
        assertEquals(DatasetFetcher.Outcome.FETCHED, one.outcome(), one.detail());
        assertTrue(one.detail().endsWith("; deleted 1 staging folder a stopped fetch left"), one.detail());
        assertTrue(logs.toString().contains("rte: deleted 1 staging folder a stopped fetch left in"), logs.toString());
        Files.createDirectories(versions.resolve("v-stopped2.staging"));
        Files.createDirectories(versions.resolve("v-stopped3.staging"));
        // the version is current: nothing to fetch, the folders deleted all the same
        DatasetFetcher.Result two = fetchLogged(logs);
        assertEquals(DatasetFetcher.Outcome.UP_TO_DATE, two.outcome(), two.detail());
        assertTrue(two.detail().endsWith("; deleted 2 staging folders a stopped fetch left"), two.detail());
        assertTrue(logs.toString().contains("rte: deleted 2 staging folders a stopped fetch left in"),
                logs.toString());
        // a version renamed from its staging folder but never made current is no staging folder
        Files.createDirectories(versions.resolve("v-stopped4"));
        Files.createDirectories(versions.resolve("v-stopped5.staging"));
        DatasetFetcher.Result three = fetchLogged(logs);
        assertTrue(three.detail().endsWith("; deleted 1 staging folder and 1 unpublished version a stopped fetch left"),
                three.detail());
        assertTrue(logs.toString().contains("rte: deleted 1 staging folder and 1 unpublished version a stopped fetch"
                + " left in"), logs.toString());
    }

    /** Fetches rte, adding what it logged to {@code logs}. */
    private DatasetFetcher.Result fetchLogged(StringBuilder logs) throws IOException {
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            return fetcher().fetch("rte");
        } finally {
            System.setErr(realErr);
            logs.append(captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    // ---- download faults ----

    @Test
    void resumesAnInterruptedDownloadWithARangeRequest() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(40, "t"), "validation", pairRows(3, "v")), true);
        hub.dropOnceAfter("nyu-mll/glue", "rte/train/0000.parquet", 100);

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("rte").outcome());

        List<FakeDatasetHub.Seen> gets = hub.seen().stream()
                .filter(s -> s.rawPath().endsWith("/rte/train/0000.parquet")).toList();
        assertEquals(2, gets.size(), gets.toString());
        assertEquals(null, gets.get(0).range());
        assertEquals("bytes=100-", gets.get(1).range());
        // after HubHttp's first backoff
        assertEquals(List.of(Duration.ofSeconds(1)), waits);
        assertEquals(40, TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).size());
    }

    /**
     * docs/data.md: a body cut off is resumed by two more attempts of the fetch (three in all), then
     * by the next fetch, which asks for the bytes after those kept rather than starting over.
     */
    @Test
    void aBodyCutOnEveryAttemptIsTriedThreeTimesAndTheNextFetchResumesIt() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(40, "t"), "validation", pairRows(3, "v")), true);
        hub.dropEachAfter("nyu-mll/glue", "rte/train/0000.parquet", 100, 3);

        IOException e = assertThrows(IOException.class, () -> fetcher().fetch("rte"));
        List<FakeDatasetHub.Seen> cut = hub.seen().stream()
                .filter(s -> s.rawPath().endsWith("/rte/train/0000.parquet")).toList();
        // HubHttp's backoff before each resume of the fetch: 1 s, then 2 s
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
        DatasetFetcher.Result again = fetcher().fetch("rte");
        List<FakeDatasetHub.Seen> all = hub.seen().stream()
                .filter(s -> s.rawPath().endsWith("/rte/train/0000.parquet")).toList();

        assertTrue(e.getMessage().contains("download interrupted after 3 attempts"), e.getMessage());
        assertEquals(3, cut.size(), cut.toString());
        assertEquals(Arrays.asList(null, "bytes=100-", "bytes=200-"), cut.stream().map(FakeDatasetHub.Seen::range).toList());
        assertEquals(DatasetFetcher.Outcome.FETCHED, again.outcome(), again.detail());
        assertEquals(4, all.size(), all.toString());
        assertEquals("bytes=300-", all.get(3).range());
        assertEquals(40, TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).size());
    }

    @Test
    void rejectsACorruptFileAndKeepsNothingOfIt() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(20, "t"), "validation", pairRows(3, "v")), true);
        hub.corrupt("nyu-mll/glue", "rte/train/0000.parquet");

        IOException e = assertThrows(IOException.class, () -> fetcher().fetch("rte"));

        assertTrue(e.getMessage().startsWith("nyu-mll/glue: rte/train/0000.parquet: sha256 must equal the Hub's "),
                e.getMessage());
        assertTrue(e.getMessage().contains("the corrupt file was deleted"), e.getMessage());
        assertNoFileKept();
    }

    /** Asserts that no downloaded, partial or converted file is left under the data root. */
    private void assertNoFileKept() throws IOException {
        try (Stream<Path> s = Files.walk(data)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".parquet")
                    || p.toString().endsWith(".incomplete") || p.toString().endsWith(".tsv")).toList());
        }
    }

    /**
     * A file outside LFS is listed with its git blob id only: a flipped byte under the right size
     * passed the size check it alone had. The expected id comes from the fake's own sha1 of
     * {@code "blob N\0"} and the bytes, which git's id of the empty blob checks.
     */
    @Test
    void aCorruptFileOutsideLfsIsRefusedByItsGitBlobIdNamingTheFile() throws IOException {
        assertEquals("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", FakeDatasetHub.gitBlobId(new byte[0]),
                "git hash-object of the empty file");
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(20, "t"), "validation", pairRows(3, "v")), true);
        hub.plain("nyu-mll/glue", "rte/train/0000.parquet");
        hub.corrupt("nyu-mll/glue", "rte/train/0000.parquet");
        String blobId = FakeDatasetHub.gitBlobId(hub.content("nyu-mll/glue", "rte/train/0000.parquet"));

        IOException e = assertThrows(IOException.class, () -> fetcher().fetch("rte"));

        assertTrue(e.getMessage().startsWith("nyu-mll/glue: rte/train/0000.parquet: git blob hash must equal the"
                + " Hub's " + blobId + ", found "), e.getMessage());
        assertTrue(e.getMessage().contains("the corrupt file was deleted"), e.getMessage());
        assertNoFileKept();
    }

    @Test
    void aWholeFileOutsideLfsIsFetched() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(20, "t"), "validation", pairRows(3, "v")), true);
        hub.plain("nyu-mll/glue", "rte/train/0000.parquet");

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("rte").outcome());

        assertEquals(20, TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).size());
    }

    /**
     * The Hub sends a download to its content host, which gets no token: its 403 read "the token
     * lacks access". Each attempt asks the Hub afresh, so the advice is to run fetch again.
     */
    @Test
    void aContentHostsRefusalIsNotBlamedOnTheToken() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(20, "t"), "validation", pairRows(3, "v")), true);
        try (FakeDatasetHub cdn = new FakeDatasetHub()) {
            putPairsOn(cdn);
            hub.contentHost(cdn.endpoint());
            cdn.busy(403);

            IOException e = assertThrows(IOException.class, () -> fetcher("hf_SecretToken1234567890", false, false)
                    .fetch("rte"));

            String file = "/datasets/nyu-mll/glue/resolve/" + FakeDatasetHub.COMMIT + "/rte/train/0000.parquet";
            assertTrue(e.getMessage().contains("nyu-mll/glue: rte/train/0000.parquet at " + cdn.endpoint() + file
                    + "?...: 403 Forbidden from the content host the Hub redirected the download to, which is sent no"
                    + " token; run fetch again, which asks the Hub for a fresh signed download URL"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }

    /** Gives another fake the files {@link #hub} holds, as a content host holds the Hub's. */
    private void putPairsOn(FakeDatasetHub other) {
        for (String split : List.of("train", "validation")) {
            String path = "rte/" + split + "/0000.parquet";
            other.put("nyu-mll/glue", path, hub.content("nyu-mll/glue", path));
        }
    }

    @Test
    void aFailedReFetchKeepsTheRecordOfTheFilesItLeftInPlace() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(5, "t"), "validation", pairRows(3, "v")), true);
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("rte").outcome());
        Path train = data.resolve("cls/glue_rte/train.tsv");
        String fetchedTrain = Files.readString(train);
        Files.delete(data.resolve("cls/glue_rte/dev.tsv")); // not intact: the next fetch converts again
        // the Hub's files now lack label names: the conversion fails and leaves the catalog files alone
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(6, "t"), "validation", pairRows(3, "v")), false);
        assertThrows(IOException.class, () -> fetcher().fetch("rte"));
        assertEquals(fetchedTrain, Files.readString(train), "the fetched train file was not touched");

        // the file in place is still the fetched one: neither status nor fetch may call it hand-laid
        boolean recordKept = FetchRecord.read(data, "rte").isPresent();
        DataStatus.Origin origin = DataStatus.row(data, TaskCatalog.task("rte")).origin();
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(6, "t"), "validation", pairRows(3, "v")), true);
        DatasetFetcher.Result again = fetcher().fetch("rte");
        org.junit.jupiter.api.Assertions.assertAll(
                () -> assertTrue(recordKept, "record of the fetched files kept"),
                () -> assertEquals(DataStatus.Origin.FETCHED, origin, "status origin"),
                () -> assertEquals(DatasetFetcher.Outcome.FETCHED, again.outcome(), again.detail()));
    }

    @Test
    void explainsA401WithAndWithoutAToken() throws IOException {
        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(3, "t"), "validation", pairRows(3, "v")), true);
        hub.requireToken("hf_right");

        IOException none = assertThrows(IOException.class, () -> fetcher().fetch("rte"));
        IOException wrong = assertThrows(IOException.class, () -> fetcher("hf_wrong", false, false).fetch("rte"));

        assertTrue(none.getMessage().contains("401 Unauthorized (GatedRepo)"), none.getMessage());
        assertTrue(none.getMessage().endsWith("set HF_TOKEN to a token with access"), none.getMessage());
        // HF_HUB_DISABLE_IMPLICIT_TOKEN kept HF_TOKEN back: setting it would not help, and the message says why
        HubSettings withheld = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HUB_CACHE", cache.toString(), "HF_TOKEN", "hf_right", "HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"), cache.resolve("home"));
        IOException kept = assertThrows(IOException.class, () -> new DatasetFetcher(withheld, data, false,
                (f, done, total) -> { }, Duration.ofSeconds(5)).fetch("rte"));
        assertTrue(kept.getMessage().endsWith("no token was sent: HF_HUB_DISABLE_IMPLICIT_TOKEN is set, which keeps"
                + " HF_TOKEN and the token file from being sent; unset it, or give the token to HubSettings"),
                kept.getMessage());
        assertTrue(wrong.getMessage().endsWith("the token in HF_TOKEN was refused"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("hf_wrong"), "the token never appears in messages");
        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher("hf_right", false, false).fetch("rte").outcome());
        assertTrue(hub.seen().stream().allMatch(s -> s.authorization() == null || s.authorization().startsWith("Bearer ")));
    }

    @Test
    void namesAMissingDatasetAndAPartialConversionInOneLine() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> fetcher().fetch("qnli"));
        assertTrue(missing.getMessage().startsWith("nyu-mll/glue: revision refs/convert/parquet at "), missing.getMessage());
        assertTrue(missing.getMessage().contains("404 Not Found (RepoNotFound)"), missing.getMessage());

        hub.put("nyu-mll/glue", "qnli/partial-train/0000.parquet", new byte[] {1});
        hub.put("nyu-mll/glue", "qnli/validation/0000.parquet", new byte[] {1});
        IOException partial = assertThrows(IOException.class, () -> fetcher().fetch("qnli"));
        assertTrue(partial.getMessage().contains("qnli/train: the Hub converted only part of this split"),
                partial.getMessage());
    }

    @Test
    void followsTheHubsRedirectForARenamedDataset() throws IOException {
        putPairs("nyu-mll/glue-renamed", "rte", Map.of("train", pairRows(4, "t"), "validation", pairRows(2, "v")), true);
        hub.moved("nyu-mll/glue", "nyu-mll/glue-renamed");

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher().fetch("rte").outcome());

        assertEquals(4, TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).size());
        assertTrue(hub.seen().stream().anyMatch(s -> s.rawPath().startsWith("/api/datasets/nyu-mll/glue-renamed/tree/")));
    }

    @Test
    void noNetworkIsOneClearLine() throws IOException {
        HubSettings s = new HubSettings(java.net.URI.create("http://127.0.0.1:1"), cache, false, null);
        DatasetFetcher f = new DatasetFetcher(s, data, false, (a, b, c) -> { });

        IOException e = assertThrows(IOException.class, () -> f.fetch("rte"));

        assertTrue(e.getMessage().contains("cannot reach http://127.0.0.1:1"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void offlineUsesOnlyWhatWasDownloaded() throws IOException {
        IOException never = assertThrows(IOException.class, () -> fetcher(null, true, false).fetch("rte"));
        assertTrue(never.getMessage().contains("offline (HF_HUB_OFFLINE is set)"), never.getMessage());
        assertTrue(hub.seen().isEmpty());

        putPairs("nyu-mll/glue", "rte", Map.of("train", pairRows(5, "t"), "validation", pairRows(3, "v")), true);
        fetcher().fetch("rte");
        Files.delete(data.resolve("cls/glue_rte/train.tsv"));
        hub.clearSeen();

        assertEquals(DatasetFetcher.Outcome.FETCHED, fetcher(null, true, false).fetch("rte").outcome());
        assertTrue(hub.seen().isEmpty(), "offline: no request at all");
        assertEquals(5, TaskCatalog.task("rte").load(data, Leniency.STRICT).split(Split.TRAIN).size());
    }

    @Test
    void offlineRefusesASplitWhoseFilesWereNotAllDownloaded() throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence1", value("string"));
        features.put("sentence2", value("string"));
        features.put("label", classLabel(RTE_NAMES));
        features.put("idx", value("int32"));
        for (String[] f : new String[][] {{"train/0000", "t"}, {"validation/0000", "a"}, {"validation/0001", "b"}}) {
            TestParquetWriter w = new TestParquetWriter().field(string("sentence1")).field(string("sentence2"))
                    .field(int64("label")).field(int32("idx"));
            hub.put("nyu-mll/glue", "rte/" + f[0] + ".parquet", HubParquet.file(w, features, pairRows(3, f[1])));
        }
        hub.corrupt("nyu-mll/glue", "rte/validation/0001.parquet"); // the second validation file never arrives
        assertThrows(IOException.class, () -> fetcher().fetch("rte"));

        // the Hub listed two validation files; only one is on disk: an offline fetch must not write half a split
        IOException e = assertThrows(IOException.class, () -> fetcher(null, true, false).fetch("rte"),
                () -> "offline fetch converted a split from 1 of its 2 files: " + validationRows() + " of 6 validation rows");
        assertTrue(e.getMessage().contains("0001.parquet"), e.getMessage());
        // a listing that is not one is named with its line, not read as fewer files
        Path listing;
        try (var files = Files.walk(data)) {
            listing = files.filter(p -> p.endsWith(".hub-listing") && p.getParent().endsWith("validation"))
                    .findFirst().orElseThrow();
        }
        Files.writeString(listing, "rte/validation/0000.parquet\tmany\t\n");
        e = assertThrows(IOException.class, () -> fetcher(null, true, false).fetch("rte"));
        assertTrue(e.getMessage().startsWith(listing + ":1: expected path, size and sha256"), e.getMessage());
    }

    private int validationRows() {
        try {
            return TaskCatalog.task("rte").load(data, Leniency.LENIENT).split(Split.VALIDATION).size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void reportsTasksWithoutAHubSource() throws IOException {
        DatasetFetcher.Result r = fetcher().fetch("ontonotes-en");
        assertEquals(DatasetFetcher.Outcome.NO_SOURCE, r.outcome());
        assertTrue(r.detail().contains("licensed"), r.detail());
    }
}
