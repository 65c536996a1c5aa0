package io.github.prefine.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainStateTest {
    private static TrainState state() {
        return new TrainState(TrainState.FORMAT, 2, 40, 1e-3, 7, new byte[] {1, 2}, List.of(0.5, 0.25),
                List.of(new TrainState.EpochRecord(List.of(0.5), 0.5, true, 1.5, 16)), Map.of("w", 40L), false, false,
                Map.of("java", "17"), null, null, null, null);
    }

    @Test
    void aStateNotUtf8IsPlacedByLineAndByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        state().write(file);
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        int at = text.indexOf("\"globalStep\"");
        bytes[at] = (byte) 0x80;
        Files.write(file, bytes);
        long line = 1 + text.substring(0, at).chars().filter(c -> c == '\n').count();
        IOException e = assertThrows(IOException.class, () -> TrainState.read(file));
        // the JDK's own message, "Input length = 1", placed nothing
        assertEquals(file + ": line " + line + " (byte " + at + ") holds 0x80, not UTF-8; expected the run's training"
                + " state (JSON, UTF-8) that every checkpoint holds", e.getMessage());
    }

    @Test
    void writesAndReadsBackThroughAFolderThatIsALink(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("disk/ckpt"));
        Path ckpt = Files.createSymbolicLink(dir.resolve("ckpt"), real);
        state().write(ckpt.resolve("state.json"));
        TrainState back = TrainState.read(real.resolve("state.json"));
        assertEquals(List.of(0.5, 0.25), back.scores());
        assertEquals(40, back.globalStep());
    }

    @Test
    void refusesToWriteThroughALinkPlantedAtItsName(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path file = Files.createSymbolicLink(Files.createDirectories(dir.resolve("ckpt")).resolve("state.json"), victim);

        FileSystemException e = assertThrows(FileSystemException.class, () -> state().write(file));

        assertTrue(e.getMessage().startsWith(file + ": must be a plain file, found a symbolic link to " + victim),
                e.getMessage());
        assertEquals("someone's own file\n", Files.readString(victim));
    }

    @Test
    void aRewriteOfAStateFileSharedByAHardLinkLeavesTheOtherNameAlone(@TempDir Path dir) throws Exception {
        // a hard link at the state file's name, as cp -al of the run folder (or someone sharing it) leaves
        Path other = Files.writeString(dir.resolve("elsewhere.txt"), "someone's own file\n");
        Path file = Files.createLink(Files.createDirectories(dir.resolve("ckpt")).resolve("state.json"), other);

        state().write(file);

        assertEquals("someone's own file\n", Files.readString(other));
        assertEquals(40, TrainState.read(file).globalStep());
        assertEquals(1, Files.getAttribute(file, "unix:nlink"));
        assertEquals(1, Files.getAttribute(other, "unix:nlink"));
    }

    /**
     * A decimal field holding text is refused with an IOException naming the file, the field's
     * place and what was expected: Gson's double reader let a bare NumberFormatException out,
     * naming neither (found by {@link TrainStateProperties}).
     */
    @Test
    void aDecimalFieldHoldingTextIsRefusedNamingFileAndPlace(@TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, "\"learningRate\": 0.001", "\"learningRate\": \"fast\"");
        // pretty-printed: format on line 2, epochsDone 3, globalStep 4, learningRate 5
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertEquals(file + ": expected a training state (JSON), found 'a number that does not read (For input string:"
                + " \"fast\")' at line 5 column 25 ($.learningRate)", e.getMessage());
    }

    /**
     * A flag holding text is refused: Gson read {@code "finished": "yes"} as false without a word,
     * so a run's finished state could be lost (found by {@link TrainStateProperties}).
     */
    @Test
    void aFlagHoldingTextIsRefusedNamingFileAndPlace(@TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, "\"finished\": false", "\"finished\": \"yes\"");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertTrue(e.getMessage().startsWith(file + ": expected a training state (JSON), found 'expected true or false,"
                + " found the string \"yes\"'"), e.getMessage());
        assertTrue(e.getMessage().contains("($.finished)"), e.getMessage());
    }

    /**
     * A flag holding a number, an array or an object is refused saying what it held in JSON, as the
     * state's other messages do: the message gave Gson's token name ("found number", "found
     * begin_array") instead.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1", "[true]", "{\"a\":false}"})
    void aFlagHoldingAnotherValueIsRefusedSayingWhatItHeld(String value, @TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, "\"finished\": false", "\"finished\": " + value);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertTrue(e.getMessage().startsWith(file + ": expected a training state (JSON), found 'expected true or false,"
                + " found " + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("($.finished)"), e.getMessage());
    }

    /**
     * A null where the state needs a value is refused, naming the file and the member: Gson's
     * record reader gave a primitive member its default, so {@code "finished": null} read as an
     * unfinished run, {@code "epochsDone": null} as no epoch done and an epoch's {@code "improved":
     * null} as not a new best, without a word.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "\"finished\": false|\"finished\": null|$.finished|true or false",
        "\"stoppedEarly\": false|\"stoppedEarly\": null|$.stoppedEarly|true or false",
        "\"epochsDone\": 2|\"epochsDone\": null|$.epochsDone|a number",
        "\"globalStep\": 40|\"globalStep\": null|$.globalStep|a number",
        "\"learningRate\": 0.001|\"learningRate\": null|$.learningRate|a number",
        "\"seed\": 7|\"seed\": null|$.seed|a number",
        "\"improved\": true|\"improved\": null|$.epochs[0].improved|true or false",
        "\"trainExamples\": 16|\"trainExamples\": null|$.epochs[0].trainExamples|a number",
    })
    void aNullWhereTheStateNeedsAValueIsRefusedNamingFileAndPlace(String member, String replacement, String path,
            String expected, @TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, member, replacement);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertTrue(e.getMessage().startsWith(file + ": expected a training state (JSON), found 'expected " + expected
                + ", found null'"), e.getMessage());
        assertTrue(e.getMessage().contains("(" + path + ")"), e.getMessage());
    }

    /**
     * The members a state may leave null still read: the loss scaler's, null without mixed
     * precision and in checkpoints written before they were kept.
     */
    @Test
    void theMembersOlderOrFullPrecisionStatesLeaveNullStillRead(@TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, "\n}", ",\n  \"lossScale\": null, \"lossScaleGrowthTracker\": null,"
                + " \"skippedSteps\": null, \"overflowStreak\": null\n}");
        TrainState s = TrainState.read(file);
        assertEquals(Map.of("java", "17"), s.manifest());
        assertEquals(null, s.lossScale());
        assertEquals(null, s.overflowStreak());
        assertEquals(2, s.epochsDone());
    }

    /**
     * A member of a basic type that every state.json has held since the format's first version
     * (each flag and count, the state's and each epoch's) is refused when missing, naming the
     * file, the member's JSON path and what was expected: Gson's record reader gave it its Java
     * default, so a state without {@code "finished"} read as an unfinished run and one without
     * {@code "epochsDone"} as no epoch done, without a word.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "\"finished\": false,|$.finished|true or false",
        "\"stoppedEarly\": false,|$.stoppedEarly|true or false",
        "\"epochsDone\": 2,|$.epochsDone|a number",
        "\"globalStep\": 40,|$.globalStep|a number",
        "\"learningRate\": 0.001,|$.learningRate|a number",
        "\"seed\": 7,|$.seed|a number",
        "\"average\": 0.5,|$.epochs[0].average|a number",
        "\"improved\": true,|$.epochs[0].improved|true or false",
        "\"trainSeconds\": 1.5,|$.epochs[0].trainSeconds|a number",
    })
    void aMissingMemberOfABasicTypeIsRefusedNamingFilePathAndWhatWasExpected(String member, String path,
            String expected, @TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, member, "");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertEquals(file + ": expected a training state (JSON), found no member " + path + " (expected " + expected
                + "), which every training state holds", e.getMessage());
    }

    /**
     * A state without its manifest, or with null there, is refused naming the file and the
     * member: every state.json since the format's first version holds it (git: the writer put the
     * run's schedule, precision and accumulation there from the start), and read as null it made a
     * resume skip the check against the recorded schedule and precision without a word.
     */
    @Test
    void aMissingOrNullManifestIsRefusedNamingFileAndPath(@TempDir Path dir) throws Exception {
        String manifest = ",\n  \"manifest\": {\n    \"java\": \"17\"\n  }";
        Path file = withReplaced(dir, manifest, "");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertEquals(file + ": expected a training state (JSON), found no member $.manifest (expected an object:"
                + " the run's provenance and settings), which every training state holds", e.getMessage());

        Path nulled = withReplaced(dir, manifest, ",\n  \"manifest\": null");
        e = assertThrows(java.io.IOException.class, () -> TrainState.read(nulled));
        assertEquals(nulled + ": expected a training state (JSON), found null at $.manifest (expected an object:"
                + " the run's provenance and settings), which every training state holds", e.getMessage());
    }

    /** An epoch's last member, which the others' removal above cannot reach (no comma after it). */
    @Test
    void aMissingLastMemberOfAnEpochIsRefused(@TempDir Path dir) throws Exception {
        Path file = withReplaced(dir, ",\n      \"trainExamples\": 16", "");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> TrainState.read(file));
        assertEquals(file + ": expected a training state (JSON), found no member $.epochs[0].trainExamples (expected"
                + " a number), which every training state holds", e.getMessage());
    }

    /** Writes the state with one member's text replaced, which must be there. */
    private static Path withReplaced(Path dir, String member, String replacement) throws Exception {
        Path file = dir.resolve("state.json");
        state().write(file);
        String text = Files.readString(file);
        assertTrue(text.contains(member), text);
        Files.writeString(file, text.replace(member, replacement));
        return file;
    }
}
