package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TSV reader keeps one instance per distinct label, and the labels it gives are those of the file. */
class TsvClassificationReaderScaleTest {
    private static final TsvClassificationReader SENTENCE = TsvClassificationReader.builder()
            .setTextA("{sentence}").optLabel("label").build();

    @Test
    void sharesOneInstancePerDistinctLabel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.tsv");
        // the empty label of the last row is a defect of its row (DataDropsTest), skipped leniently
        Files.writeString(file, "sentence\tlabel\na fine film\t1\na dull film\t0\nfine again\t1\nno label\t\n",
                StandardCharsets.UTF_8);
        List<TextExample> read = SENTENCE.read(file, Leniency.LENIENT).examples();
        List<String> labels = new ArrayList<>();
        read.forEach(e -> labels.add(e.label()));
        assertEquals(List.of("1", "0", "1"), labels);
        assertEquals("a dull film", read.get(1).textA());
        assertNull(read.get(1).textB());
        assertSame(read.get(0).label(), read.get(2).label());
    }

    @Test
    void sst2LabelsEqualTheFileColumnWithTwoInstances() throws IOException {
        Path file = SharedFixtures.require("data/cls/glue_sst2/train.tsv");
        List<TextExample> read = SENTENCE.read(file, Leniency.STRICT).examples();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(lines.size() - 1, read.size());
        IdentityHashMap<String, Boolean> instances = new IdentityHashMap<>();
        for (int i = 0; i < read.size(); i++) {
            String line = lines.get(i + 1);
            assertEquals(line.substring(line.lastIndexOf('\t') + 1), read.get(i).label(), "row " + (i + 2));
            instances.put(read.get(i).label(), true);
        }
        assertEquals(2, instances.size(), "label instances kept for " + read.size() + " rows");
    }
}
