package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log whose writer was killed part-way through an append: the file ends in part of a line, as
 * the kill leaves it. Every record whose append finished must still be read, before and after
 * the next append.
 */
class ResultLogTest {
    private static final RunRecord FIRST = new RunRecord("Baseline", "wnut17", "SL", 1, 40.5);
    private static final RunRecord SECOND = new RunRecord("Only-SL", "wnut17", "SL", 1, 42.25);
    private static final RunRecord THIRD = new RunRecord("Only-SL", "wnut17", "SL", 2, 43.0);

    /** The log of FIRST and SECOND, then the first {@code keep} bytes of THIRD's line. */
    private static Path cutOff(Path dir, int keep) throws Exception {
        Path whole = dir.resolve("whole.jsonl");
        Files.deleteIfExists(whole);
        ResultLog.append(whole, FIRST);
        ResultLog.append(whole, SECOND);
        long complete = Files.size(whole);
        ResultLog.append(whole, THIRD);
        byte[] all = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut-" + keep + ".jsonl");
        Files.write(cut, Arrays.copyOf(all, (int) complete + keep));
        return cut;
    }

    @Test
    void anAppendCutOffMidLineLosesOnlyItsOwnRecord(@TempDir Path dir) throws Exception {
        Path probe = dir.resolve("probe.jsonl");
        ResultLog.append(probe, THIRD);
        int line = (int) Files.size(probe);
        // up to the record's last brace, without it and the line break
        for (int keep : new int[] {1, 13, 40, line / 2, line - 2}) {
            Path cut = cutOff(dir, keep);
            assertEquals(List.of(FIRST, SECOND), ResultLog.load(cut).runs(), "cut after " + keep + " bytes");
            // the run is restarted and appends its record again
            ResultLog.append(cut, THIRD);
            assertEquals(List.of(FIRST, SECOND, THIRD), ResultLog.load(cut).runs(), "cut after " + keep + " bytes");
            assertEquals(Files.readString(dir.resolve("whole.jsonl")), Files.readString(cut, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aCompleteLastRecordWithoutItsLineBreakIsKept(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.jsonl");
        ResultLog.append(whole, FIRST);
        ResultLog.append(whole, SECOND);
        String text = Files.readString(whole);
        // written by hand or by another tool: the last line has no line break
        Path log = dir.resolve("log.jsonl");
        Files.writeString(log, text.substring(0, text.length() - 1));
        assertEquals(List.of(FIRST, SECOND), ResultLog.load(log).runs());
        ResultLog.append(log, THIRD);
        assertEquals(List.of(FIRST, SECOND, THIRD), ResultLog.load(log).runs());
    }

    @Test
    void aLogOfOneRecordWithoutAnyLineBreakIsKept(@TempDir Path dir) throws Exception {
        // the scans back to the last line break reach the first byte of the file
        Path log = dir.resolve("log.jsonl");
        ResultLog.append(log, FIRST);
        String text = Files.readString(log);
        Files.writeString(log, text.substring(0, text.length() - 1));
        assertEquals(List.of(FIRST), ResultLog.load(log).runs());
        ResultLog.append(log, SECOND);
        assertEquals(List.of(FIRST, SECOND), ResultLog.load(log).runs());
    }

    @Test
    void aRecordWithoutAFieldNamesIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        Files.writeString(log, "{\"kind\":\"run\",\"setting\":\"A\",\"group\":\"SL\",\"seed\":1,\"value\":0.5}\n");
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(log));
        assertTrue(e.getMessage().endsWith("target: expected a string, found nothing"), e.getMessage());
        Files.writeString(log, "{\"kind\":\"run\",\"setting\":\"A\",\"target\":7,\"group\":\"SL\",\"seed\":1,"
                + "\"value\":0.5}\n");
        e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(log));
        assertTrue(e.getMessage().endsWith("target: expected a string, found 7"), e.getMessage());
    }

    /**
     * A reader's check on the run records ({@link ResultLog#load(Path, java.util.function.Consumer)})
     * is reported with its own message, file and line: a refusal of the {@link NumberFormatException}
     * kind (an IllegalArgumentException, as the check's contract asks) was caught with the JSON's
     * faults and reported as "expected a JSON object" for a line that is one; a check's failure of
     * another kind is its own, not the log's, and is left as it is.
     */
    @Test
    void aChecksRefusalIsReportedAsItsOwnWithTheFileAndLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        ResultLog.append(log, FIRST);
        ResultLog.append(log, SECOND);
        MalformedResultsException e = assertThrows(MalformedResultsException.class,
                () -> ResultLog.load(log, r -> Integer.parseInt(r.setting().equals("Only-SL") ? r.target() : "1")));
        assertEquals(log + ":2: For input string: \"wnut17\"", e.getMessage());
        IllegalStateException own = assertThrows(IllegalStateException.class, () -> ResultLog.load(log, r -> {
            throw new IllegalStateException("the check's own fault");
        }));
        assertEquals("the check's own fault", own.getMessage());
    }

    /** A seed of 1.5 or 2^64 + 1 is no seed: read as 1 before, the run counted as seed 1's. */
    @Test
    void aSeedOrCountThatIsNoIntegerNamesItsLineAndField(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        String range = "expected an integer from -9223372036854775808 to 9223372036854775807, without a fraction or exponent";
        for (String seed : new String[] {"1.5", "18446744073709551617", "1.0"}) {
            Files.writeString(log, "{\"kind\":\"run\",\"setting\":\"A\",\"target\":\"t\",\"group\":\"SL\",\"seed\":"
                    + seed + ",\"value\":0.5}\n{\"kind\":\"run\",\"setting\":\"A\",\"target\":\"t\",\"group\":\"SL\","
                    + "\"seed\":2,\"value\":0.5}\n");
            MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(log));
            assertTrue(e.getMessage().endsWith(":1: seed: " + range + ", found " + seed), e.getMessage());
        }
        Files.writeString(log, "{\"kind\":\"cost\",\"setting\":\"A\",\"secondsPerEpoch\":2.5,\"examplesPerEpoch\":100.5}\n"
                + "{\"kind\":\"cost\",\"setting\":\"A\",\"secondsPerEpoch\":2.5,\"examplesPerEpoch\":100}\n");
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(log));
        assertTrue(e.getMessage().endsWith(":1: examplesPerEpoch: " + range + ", found 100.5"), e.getMessage());
    }

    /** The JDK's decoder refused such a log with "Input length = 1", naming neither the file nor the line. */
    @Test
    void aByteThatIsNotUtf8NamesTheFileLineAndByte(@TempDir Path dir) throws Exception {
        // 0xC3 opens a two-byte sequence that the next byte, ASCII, does not continue
        assertRefusedAt(dir, true, "\n", 3, 0xC3);
    }

    /** The last line was decoded leniently: the bad byte became U+FFFD in a record that otherwise parsed. */
    @Test
    void aByteThatIsNotUtf8InACompleteLastRecordWithoutItsLineBreakNamesTheFileLineAndByte(@TempDir Path dir)
            throws Exception {
        // inside SECOND's setting, "Only-SL": the record still parses once the byte is replaced;
        // 0xFF begins no UTF-8 sequence
        assertRefusedAt(dir, false, "Only-SL", 2, 0xFF);
    }

    /**
     * Writes FIRST and SECOND, the last line break kept or not, puts {@code value} {@code past}
     * bytes after {@code anchor} (on line 2), and expects load to refuse naming that byte.
     */
    private static void assertRefusedAt(Path dir, boolean lastLineBreak, String anchor, int past, int value)
            throws Exception {
        Path log = dir.resolve("results.jsonl");
        ResultLog.append(log, FIRST);
        ResultLog.append(log, SECOND);
        byte[] bytes = Files.readAllBytes(log);
        bytes = Arrays.copyOf(bytes, bytes.length - (lastLineBreak ? 0 : 1));
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf(anchor) + past;
        bytes[at] = (byte) value;
        Files.write(log, bytes);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> ResultLog.load(log));
        assertEquals(log + ": line 2 (byte " + at + ") holds " + String.format(java.util.Locale.ROOT, "0x%02X", value)
                + ", not UTF-8; expected run and cost records, one JSON object a line, in UTF-8", e.getMessage());
    }

    /** What an interrupted append leaves: a character cut off by the end of the file, which is no damage. */
    @Test
    void anAppendCutOffInsideACharacterLosesOnlyItsOwnRecord(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("results.jsonl");
        ResultLog.append(log, FIRST);
        long complete = Files.size(log);
        ResultLog.append(log, new RunRecord("Caf\u00e9", "wnut17", "SL", 1, 41.0));
        byte[] bytes = Files.readAllBytes(log);
        // U+00E9 is 0xC3 0xA9 in UTF-8: keep its first byte only
        int cut = new String(bytes, StandardCharsets.UTF_8).indexOf('\u00e9', (int) complete) + 1;
        assertEquals((byte) 0xC3, bytes[cut - 1]);
        Files.write(log, Arrays.copyOf(bytes, cut));
        assertEquals(List.of(FIRST), ResultLog.load(log).runs());
    }

    @Test
    void aDamagedLineBeforeTheLastIsStillAnError(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        ResultLog.append(log, FIRST);
        Files.writeString(log, "{\"kind\":\"run\",\"sett\n", java.nio.file.StandardOpenOption.APPEND);
        ResultLog.append(log, SECOND);
        MalformedResultsException e = assertThrows(MalformedResultsException.class, () -> ResultLog.load(log));
        assertEquals(log + ":2: expected a JSON object, found {\"kind\":\"run\",\"sett", e.getMessage());
    }

    @Test
    void anAppendRefusesASymbolicLinkAtTheLogsNameAndLeavesWhatItLeadsToAlone(@TempDir Path dir) throws Exception {
        // someone else's file whose last line has no line break: an append through the link cut it off
        String notes = "someone's notes\nthe last line, unfinished";
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), notes);
        Path out = Files.createDirectories(dir.resolve("shared-out"));
        Path log = Files.createSymbolicLink(out.resolve("results.jsonl"), victim);

        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> ResultLog.append(log, FIRST));
        assertThrows(java.nio.file.FileSystemException.class, () -> ResultLog.append(log, new CostRecord("Only-SL", 2.0, 10)));

        assertEquals(log + ": must be a plain file, found a symbolic link to " + victim + "; prefine does not write"
                + " through a link in its own folders, which someone with write access to the folder may have planted"
                + " (remove the link and run it again)", e.getMessage());
        assertEquals(notes, Files.readString(victim));
        // a link that leads nowhere yet: the append created the file it named
        Path absent = dir.resolve("absent.txt");
        Path dangling = Files.createSymbolicLink(out.resolve("costs.jsonl"), absent);
        assertThrows(java.nio.file.FileSystemException.class, () -> ResultLog.append(dangling, FIRST));
        assertTrue(Files.notExists(absent, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void anAppendToALogSharedByAHardLinkChangesThisNameOnly(@TempDir Path dir) throws Exception {
        // cp -al of an output folder, or a link to someone's file planted in a shared one: the old
        // append wrote into the shared content, and its cut of an unfinished last line did too
        String notes = "someone's notes\nthe last line, unfinished";
        Path other = Files.writeString(dir.resolve("elsewhere.txt"), notes);
        Path backup = Files.createDirectories(dir.resolve("backup"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ResultLog.append(backup.resolve("results.jsonl"), FIRST);
        Path log = Files.createLink(out.resolve("results.jsonl"), backup.resolve("results.jsonl"));
        Path planted = Files.createLink(out.resolve("costs.jsonl"), other);

        ResultLog.append(log, SECOND);
        ResultLog.append(planted, FIRST);

        assertEquals(List.of(FIRST, SECOND), ResultLog.load(log).runs());
        assertEquals(List.of(FIRST), ResultLog.load(backup.resolve("results.jsonl")).runs());
        assertEquals(notes, Files.readString(other));
        assertEquals(1, Files.getAttribute(log, "unix:nlink"));
        try (java.util.stream.Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("costs.jsonl", "results.jsonl"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp file left");
        }
    }

    @Test
    void anOutputFolderThatIsItselfALinkStillTakesTheLog(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("disk/run-1"));
        Path out = Files.createSymbolicLink(dir.resolve("out"), real);
        ResultLog.append(out.resolve("results.jsonl"), FIRST);
        ResultLog.append(out.resolve("results.jsonl"), SECOND);
        assertEquals(List.of(FIRST, SECOND), ResultLog.load(real.resolve("results.jsonl")).runs());
    }

    @Test
    void recordsRefuseBlankNamesAndNegativeCosts() {
        String[] ok = {"Only-SL", "T1", "SL", "fp32", "scored on test"};
        for (int i = 0; i < ok.length; i++) {
            String[] f = ok.clone();
            f[i] = " ";
            assertThrows(IllegalArgumentException.class, () -> new RunRecord(f[0], f[1], f[2], 1, 0.5, f[3], f[4]),
                    "field " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new CostRecord(" ", 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostRecord("Only-SL", -0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostRecord("Only-SL", 1.0, -1));
        // zero is a cost (an epoch of a tiny task group)
        assertEquals(0.0, new CostRecord("Only-SL", 0.0, 0).secondsPerEpoch());
    }
}
