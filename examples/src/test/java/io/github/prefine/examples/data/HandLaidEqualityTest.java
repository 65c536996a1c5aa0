package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.HubParquet.classLabel;
import static io.github.prefine.examples.data.HubParquet.sequence;
import static io.github.prefine.examples.data.HubParquet.value;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.list;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.hub.HubSettings;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetched files give the same examples as the hand-laid ones in {@code ../shared/data}.
 *
 * <p>The Hub cannot be reached from a test, so each test lays out the Hub's copy itself, the way the
 * Hub's loaders derive it from the same original files: the rows parsed from the raw files here
 * (not through the catalog's readers), CoNLL-2003 tags turned into IOB2 as the Hub's copy has them,
 * label indices against the dataset's ClassLabel names. The rows are served by the local Hub,
 * fetched, converted and read by the catalog; counts and first and last examples of every split
 * must equal the catalog's reading of the hand-laid files (and so must every example between). Skipped, with the reason, when the
 * shared data is absent.
 */
class HandLaidEqualityTest {
    @TempDir
    Path data;
    @TempDir
    Path cache;

    private FakeDatasetHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeDatasetHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private DatasetFetcher fetcher() {
        return new DatasetFetcher(new HubSettings(hub.endpoint(), cache, false, null), data, false, (f, d, t) -> { },
                Duration.ofSeconds(10));
    }

    @Test
    void rteFetchedEqualsHandLaid() throws IOException {
        Path train = SharedFixtures.require("data/cls/glue_rte/train.tsv");
        Path dev = SharedFixtures.require("data/cls/glue_rte/dev.tsv");
        List<String> names = List.of("entailment", "not_entailment");
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence1", value("string"));
        features.put("sentence2", value("string"));
        features.put("label", classLabel(names));
        features.put("idx", value("int32"));
        for (Object[] s : new Object[][] {{"train", train}, {"validation", dev}}) {
            List<String> lines = Files.readAllLines((Path) s[1], StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split("\t", -1));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("sentence1", f[header.indexOf("sentence1")]);
                r.put("sentence2", f[header.indexOf("sentence2")]);
                r.put("label", (long) names.indexOf(f[header.indexOf("label")]));
                r.put("idx", Integer.parseInt(f[header.indexOf("index")]));
                rows.add(r);
            }
            TestParquetWriter w = new TestParquetWriter().field(string("sentence1")).field(string("sentence2"))
                    .field(int64("label")).field(int32("idx")).rowsPerGroup(1000).rowsPerPage(300);
            hub.put("nyu-mll/glue", "rte/" + s[0] + "/0000.parquet", HubParquet.file(w, features, rows));
        }

        fetcher().fetch("rte");

        Task rte = TaskCatalog.task("rte");
        compare(rte.load(train.getParent().getParent().getParent(), Leniency.STRICT), rte.load(data, Leniency.STRICT));
    }

    @Test
    void conll2003FetchedEqualsHandLaid() throws IOException {
        Path root = SharedFixtures.require("data/sl/conll2003/eng.train").getParent().getParent().getParent();
        List<String> names = List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("id", value("string"));
        features.put("tokens", sequence(value("string")));
        features.put("ner_tags", sequence(classLabel(names)));
        for (String[] s : new String[][] {{"train", "eng.train"}, {"validation", "eng.testa"}, {"test", "eng.testb"}}) {
            List<Map<String, Object>> rows = new ArrayList<>();
            List<Object> tokens = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            List<String> lines = new ArrayList<>(Files.readAllLines(root.resolve("sl/conll2003/" + s[1]),
                    StandardCharsets.UTF_8));
            lines.add("");
            for (String line : lines) {
                if (line.isBlank()) {
                    if (!tokens.isEmpty()) {
                        List<Object> ids = new ArrayList<>();
                        for (String t : iob1ToIob2(tags)) {
                            ids.add((long) names.indexOf(t));
                        }
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("id", Integer.toString(rows.size()));
                        r.put("tokens", tokens);
                        r.put("ner_tags", ids);
                        rows.add(r);
                        tokens = new ArrayList<>();
                        tags = new ArrayList<>();
                    }
                    continue;
                }
                String[] f = line.strip().split("\\s+");
                if (f[0].equals("-DOCSTART-")) {
                    continue;
                }
                tokens.add(f[0]);
                tags.add(f[f.length - 1]);
            }
            TestParquetWriter w = new TestParquetWriter().field(string("id")).field(list("tokens", string("element")))
                    .field(list("ner_tags", int64("element"))).dictionary(true).rowsPerPage(500).rowsPerGroup(5000);
            hub.put("eriktks/conll2003", "conll2003/" + s[0] + "/0000.parquet", HubParquet.file(w, features, rows));
        }

        fetcher().fetch("conll2003-en");

        Task conll = TaskCatalog.task("conll2003-en");
        compare(conll.load(root, Leniency.STRICT), conll.load(data, Leniency.STRICT));
    }

    /** IOB1 to IOB2, written here from the scheme's definition: I-T starts an entity unless it continues one of type T. */
    private static List<String> iob1ToIob2(List<String> tags) {
        List<String> out = new ArrayList<>();
        String prev = "O";
        for (String t : tags) {
            if (t.startsWith("I-") && !(prev.equals("B-" + t.substring(2)) || prev.equals("I-" + t.substring(2)))) {
                out.add("B-" + t.substring(2));
            } else {
                out.add(t);
            }
            prev = t;
        }
        return out;
    }

    private static void compare(TaskData hand, TaskData fetched) {
        assertEquals(hand.splits().keySet(), fetched.splits().keySet());
        for (Split s : hand.splits().keySet()) {
            List<Example> h = hand.split(s);
            List<Example> f = fetched.split(s);
            System.out.println(hand.task().name() + " " + s + ": hand-laid " + h.size() + ", fetched " + f.size());
            assertEquals(h.size(), f.size(), s + " count");
            assertEquals(content(h.get(0)), content(f.get(0)), s + " first example");
            assertEquals(content(h.get(h.size() - 1)), content(f.get(f.size() - 1)), s + " last example");
            for (int i = 1; i < h.size() - 1; i++) { // and every one between
                assertEquals(content(h.get(i)), content(f.get(i)), s + " example " + i);
            }
        }
    }

    /** The example without its id (ids name the file and line, which differ by design). */
    private static Object content(Example e) {
        if (e instanceof TextExample t) {
            return List.of(t.textA(), String.valueOf(t.textB()), String.valueOf(t.label()));
        }
        TokenExample t = (TokenExample) e;
        return List.of(t.tokens(), t.tags());
    }
}
