package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.HubParquet.classLabel;
import static io.github.prefine.examples.data.HubParquet.value;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code row} source of the line formats ({@link HubDataset.Tsv}, {@link HubDataset.Jsonl}):
 * the row's number in the split, from 0, so a split the Hub's conversion cut into several parquet
 * files is numbered on from one file to the next, never from 0 again in each file. Messages about a
 * row name the same number.
 */
class CatalogWriterRowNumbersTest {
    private static final List<String> NAMES = List.of("entailment", "not_entailment");

    @TempDir
    Path dir;

    /** Writes a split as two parquet files, of 3 and 2 rows, named "s0" to "s4" with these labels. */
    private List<Path> twoFiles(long... labels) throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence", value("string"));
        features.put("label", classLabel(NAMES));
        List<Path> files = new ArrayList<>();
        int row = 0;
        for (int[] part : new int[][] {{0, 3}, {3, 5}}) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (; row < part[1]; row++) {
                rows.add(Map.of("sentence", "s" + row, "label", labels[row]));
            }
            TestParquetWriter w = new TestParquetWriter().field(string("sentence")).field(int64("label"));
            files.add(Files.write(dir.resolve(String.format("%04d.parquet", files.size())), HubParquet.file(w, features, rows)));
        }
        return files;
    }

    private static CatalogWriter writer(HubDataset.Conversion c) {
        return new CatalogWriter(new HubDataset("rte", "acme/split-in-two", "default", Map.of("train", Split.TRAIN),
                HubDataset.SplitRule.AS_PUBLISHED, c), TaskCatalog.task("rte"));
    }

    @Test
    void aTsvRowColumnCountsOnAcrossTheSplitsFiles() throws IOException {
        HubDataset.Tsv tsv = new HubDataset.Tsv(List.of("index", "sentence", "label"),
                List.of("row", "col:sentence", "label"), "label", HubDataset.LabelForm.NAME, true);
        Path out = dir.resolve("train.tsv");

        assertEquals(5, writer(tsv).write("train", twoFiles(0, 1, 0, 1, 0), out));

        assertEquals(List.of("index\tsentence\tlabel", "0\ts0\tentailment", "1\ts1\tnot_entailment",
                "2\ts2\tentailment", "3\ts3\tnot_entailment", "4\ts4\tentailment"),
                Files.readAllLines(out, StandardCharsets.UTF_8));
    }

    @Test
    void aJsonlRowFieldCountsOnAcrossTheSplitsFiles() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("idx", "row");
        fields.put("text", "col:sentence");
        Path out = dir.resolve("train.jsonl");

        writer(new HubDataset.Jsonl(fields, "label", HubDataset.LabelForm.NAME)).write("train", twoFiles(0, 0, 0, 0, 0),
                out);

        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("{\"idx\":\"3\",\"text\":\"s3\"}", lines.get(3));
        assertEquals("{\"idx\":\"4\",\"text\":\"s4\"}", lines.get(4));
    }

    @Test
    void aBadRowInTheSecondFileIsNamedByItsNumberInTheSplit() throws IOException {
        HubDataset.Tsv tsv = new HubDataset.Tsv(List.of("sentence", "label"), List.of("col:sentence", "label"),
                "label", HubDataset.LabelForm.NAME, false);
        List<Path> files = twoFiles(0, 1, 0, 0, 7); // the split's row 4, the second file's row 1

        IOException e = assertThrows(IOException.class, () -> writer(tsv).write("train", files, dir.resolve("t.tsv")));

        assertTrue(e.getMessage().startsWith("acme/split-in-two/default/train: row 4: label 7 is outside the 2"
                + " ClassLabel names"), e.getMessage());
    }
}
