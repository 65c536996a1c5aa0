package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code run.json} written by a newer prefine, read by this one (docs/protocol.md, "A run.json
 * from another version"): members this version does not know are ignored and kept, outside the
 * fingerprint; a fingerprint setting it does not know refuses the run naming it, since it may
 * change results this version cannot reproduce; a newer {@code format}, which says the file's
 * meaning changed, is refused naming both formats. Forced, each starts anew in place.
 */
class RunManifestForwardTest {
    /** The fingerprint both versions agree on, with this version's {@code format}. */
    private static final String FINGERPRINT = "\"fingerprint\":{\"grid\":{\"targets\":\"cb\",\"batchSize\":8},"
            + "\"encoder\":{\"sha256\":\"ab\"},\"data\":{\"cls/cb/train.jsonl\":{\"size\":3,\"sha256\":\"cd\"}}}";

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static final JsonObject FRESH = json("{\"format\":1," + FINGERPRINT + ",\"environment\":{\"prefine\":\"1.0\"}}");

    @Test
    void membersOutsideTheFingerprintThatThisVersionDoesNotKnowAreIgnoredAndKept(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"format\":1," + FINGERPRINT
                + ",\"environment\":{\"prefine\":\"2.0\",\"gpuDriver\":\"x\"},\"provenance\":{\"host\":\"h\"},"
                + "\"reads\":{}}");
        JsonObject kept = RunManifest.check(file, FRESH, false);
        // the folder's own manifest: the same run, its newer members kept for the version that wrote them
        assertEquals(json("{\"host\":\"h\"}"), kept.get("provenance"));
    }

    @Test
    void aNewerFormatIsRefusedNamingBothFormats(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"format\":2," + FINGERPRINT
                + ",\"environment\":{\"prefine\":\"2.0\"}}");
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, FRESH, false));
        assertEquals(file + ": written by prefine 2.0 in run.json format 2, newer than format 1, the newest this"
                + " prefine reads; continue the run with that version, choose another output folder, or force a new"
                + " run in place (--force)", e.getMessage());
        assertSame(FRESH, RunManifest.check(file, FRESH, true), "forced: the fresh manifest, so the folder is cleared");
        // a worker, which trusts the file without checking the fingerprint, refuses it too
        RunMismatchException w = assertThrows(RunMismatchException.class, () -> RunManifest.readFormat(file,
                json(Files.readString(file))));
        assertEquals(e.getMessage(), w.getMessage());
    }

    @Test
    void aFormatThatIsNoWholeNumberIsNoRunManifest(@TempDir Path dir) throws Exception {
        for (String format : new String[] {"\"2\"", "1.5", "0", "null"}) {
            Path file = Files.writeString(dir.resolve("run.json"), "{\"format\":" + format + "," + FINGERPRINT + "}");
            RunMismatchException e = assertThrows(RunMismatchException.class,
                    () -> RunManifest.check(file, FRESH, false), format);
            assertTrue(e.getMessage().startsWith(file + ": not a run manifest ($.format: expected a whole number of at"
                    + " least 1"), e.getMessage());
        }
    }

    @Test
    void aFingerprintSettingThisVersionDoesNotKnowIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"format\":1,\"fingerprint\":{\"grid\":{\"targets\":"
                + "\"cb\",\"batchSize\":8,\"gradientClipping\":0.5},\"encoder\":{\"sha256\":\"ab\"},\"data\":"
                + "{\"cls/cb/train.jsonl\":{\"size\":3,\"sha256\":\"cd\"}}},\"environment\":{\"prefine\":\"2.0\"}}");
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, FRESH, false));
        assertEquals(file + ": recorded by prefine 2.0 with a setting this prefine does not know (grid.gradientClipping"
                + " 0.5), which may change results this version cannot reproduce; continue the run with that version,"
                + " choose another output folder, or force a new run in place (--force)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertSame(FRESH, RunManifest.check(file, FRESH, true));
    }

    @Test
    void aKnownSettingLeftOutByThisRunIsStillADifference(@TempDir Path dir) throws Exception {
        // sampling is written only where not the default: a known member, so the usual one-line diff
        Path file = Files.writeString(dir.resolve("run.json"), "{\"format\":1,\"fingerprint\":{\"grid\":{\"targets\":"
                + "\"cb\",\"batchSize\":8,\"sampling\":\"uniform\"},\"encoder\":{\"sha256\":\"ab\"},\"data\":"
                + "{\"cls/cb/train.jsonl\":{\"size\":3,\"sha256\":\"cd\"}}}}");
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RunManifest.check(file, FRESH, false));
        assertTrue(e.getMessage().contains("other settings or data (grid.sampling was uniform, now absent)"),
                e.getMessage());
    }
}
