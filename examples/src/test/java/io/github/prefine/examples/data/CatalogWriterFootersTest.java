package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.HubParquet.classLabel;
import static io.github.prefine.examples.data.HubParquet.value;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int64;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.examples.data.parquet.ParquetFile;
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
 * A split's conversion ({@code data fetch}) reads each parquet file's footer once: the progress
 * line's total (the stored size of the columns taken) and the decoding of the rows use the same
 * footer, where each read it from the file.
 */
class CatalogWriterFootersTest {
    @TempDir
    Path dir;

    @Test
    void convertingASplitReadsEachFileFooterOnce() throws IOException {
        Map<String, JsonObject> features = new LinkedHashMap<>();
        features.put("sentence", value("string"));
        features.put("label", classLabel(List.of("entailment", "not_entailment")));
        List<Path> files = new ArrayList<>();
        for (int[] part : new int[][] {{0, 3}, {3, 5}}) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int row = part[0]; row < part[1]; row++) {
                rows.add(Map.of("sentence", "s" + row, "label", (long) (row % 2)));
            }
            TestParquetWriter w = new TestParquetWriter().field(string("sentence")).field(int64("label"));
            files.add(Files.write(dir.resolve(String.format("%04d.parquet", files.size())),
                    HubParquet.file(w, features, rows)));
        }
        long stored = 0;
        for (Path f : files) {
            ParquetFile p = ParquetFile.open(f);
            stored += p.columnBytes("sentence") + p.columnBytes("label");
        }
        HubDataset.Tsv tsv = new HubDataset.Tsv(List.of("sentence", "label"), List.of("col:sentence", "label"),
                "label", HubDataset.LabelForm.NAME, false);
        HubDataset d = new HubDataset("rte", "acme/two-files", "default", Map.of("train", Split.TRAIN),
                HubDataset.SplitRule.AS_PUBLISHED, tsv);
        // the real footer read, counted per file
        Map<Path, Integer> footerReads = new LinkedHashMap<>();
        CatalogWriter writer = new CatalogWriter(d, TaskCatalog.task("rte"), f -> {
            footerReads.merge(f, 1, Integer::sum);
            return ParquetFile.open(f);
        });
        List<long[]> reports = new ArrayList<>();
        Path out = dir.resolve("train.tsv");

        int written = writer.convert("train", files, out, (done, total) -> reports.add(new long[] {done, total}));

        assertEquals(Map.of(files.get(0), 1, files.get(1), 1), footerReads);
        assertEquals(5, written);
        assertEquals(List.of("s0\tentailment", "s1\tnot_entailment", "s2\tentailment", "s3\tnot_entailment",
                "s4\tentailment"), Files.readAllLines(out, StandardCharsets.UTF_8));
        assertArrayEquals(new long[] {0, stored}, reports.get(0));
        assertArrayEquals(new long[] {stored, stored}, reports.get(reports.size() - 1));
    }
}
