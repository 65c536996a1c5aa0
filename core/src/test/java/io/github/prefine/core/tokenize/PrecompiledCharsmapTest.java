package io.github.prefine.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code Precompiled} normalizer's charsmap the native library cannot use made it abort the JVM:
 * at load where the base64, the trie size or the replacement strings are broken ({@code
 * normalizers/mod.rs} unwraps the error), at the first text where a trie step reads past the
 * array or a replacement starts past the strings or inside a character ({@code spm_precompiled}
 * indexes without checking). Such a file is refused naming the charsmap's JSON path, before the
 * library sees it; a sound charsmap loads and normalizes as the library reads it.
 *
 * <p>The charsmaps are built here by hand in the library's format: a little-endian u32 trie size
 * in bytes, the trie's u32 units, then NUL-terminated UTF-8 replacements. The sound one maps "a"
 * to "b": unit 0 is the root, offset 256 (bits 10 and up); the step for byte 0x61 is unit 256 ^
 * 0x61 = 353, labelled 0x61 (bits 0-7), holding a leaf (bit 8), offset 352, so its value is unit
 * 353 ^ 352 = 1, which holds 0, the place of "b" in "b\0". The trie is two blocks of 256 units, as
 * darts-clone builds it, so every step from the root (256 ^ byte) stays within it.
 */
class PrecompiledCharsmapTest {
    @TempDir
    Path tmp;

    /** The sound trie: 512 units mapping "a" to the replacement at {@code value}. */
    private static int[] trie(int units, int value) {
        int[] u = new int[units];
        u[0] = 256 << 10;
        if (353 < units) {
            u[353] = (352 << 10) | (1 << 8) | 0x61;
        }
        u[1] = value;
        return u;
    }

    private static String charsmap(int trieBytes, int[] units, byte[] normalized) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * units.length + normalized.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(trieBytes);
        for (int u : units) {
            b.putInt(u);
        }
        b.put(normalized);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject precompiled(String charsmap) {
        JsonObject n = new JsonObject();
        n.addProperty("type", "Precompiled");
        n.addProperty("precompiled_charsmap", charsmap);
        return n;
    }

    private Path write(String name, JsonObject normalizer) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(bert())).getAsJsonObject();
        root.add("normalizer", normalizer);
        Path dir = Files.createDirectories(tmp.resolve(name));
        return Files.writeString(dir.resolve("tokenizer.json"), root.toString());
    }

    private static Path bert() {
        return SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
    }

    /**
     * Each broken charsmap is refused with what is wrong in it; the sound one, the same file
     * otherwise, encodes "a" as the fixture's "b" (id 9 in its vocab), "c" as itself (id 10) and
     * "ab" as "bb", which the vocab lacks: "b" then "##b" (63); each between [CLS] (2) and [SEP]
     * (3). All in one child JVM, which a panic would abort.
     */
    @Test
    void aCharsmapTheLibraryWouldAbortOnIsRefusedNamingItsJsonPath() throws Exception {
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("base64", "not base64 (");
        broken.put("short", charsmap(4096, trie(512, 0), utf8("b\0")));
        broken.put("empty", charsmap(0, new int[0], new byte[0]));
        broken.put("cut", charsmap(1200, trie(300, 0), utf8("b\0")));
        broken.put("past", charsmap(2048, trie(512, 5), utf8("b\0")));
        broken.put("inside", charsmap(2048, trie(512, 1), utf8("\u00e9\0")));
        broken.put("utf8", charsmap(2048, trie(512, 0), new byte[] {(byte) 0xff, 0}));
        Map<String, String> reason = Map.of(
                "base64", "is not base64",
                "short", "gives a trie of 4096 bytes, beyond the 2050 that follow its size",
                "empty", "holds an empty trie",
                "cut", "has a trie step past its 300 units (byte 0x2C at key byte 1 reads unit 300)",
                "past", "has a replacement at byte 5, past its 2 bytes of replacement strings",
                "inside", "has a replacement at byte 1, inside a character of its replacement strings",
                "utf8", "holds replacement strings that are not UTF-8");
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : broken.entrySet()) {
            files.add(write(e.getKey(), precompiled(e.getValue())).toString());
        }
        // nested in a Sequence, as XLM-R's and T5's files carry it
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        JsonArray members = new JsonArray();
        members.add(precompiled(broken.get("cut")));
        sequence.add("normalizers", members);
        Path nested = write("nested", sequence);
        files.add(nested.toString());
        Path sound = write("sound", precompiled(charsmap(2048, trie(512, 0), utf8("b\0"))));
        files.add(sound.toString());

        String log = ChildJvm.run(FilesRefusalProbe.class, tmp.resolve("child.log"), List.of(),
                files.toArray(new String[0]));
        for (String name : broken.keySet()) {
            Path file = tmp.resolve(name).resolve("tokenizer.json");
            assertTrue(log.contains("OUTCOME " + file + " refused: " + file + ": $.normalizer.precompiled_charsmap "
                    + reason.get(name)), name + "\n" + log);
        }
        assertTrue(log.contains("OUTCOME " + nested + " refused: " + nested
                + ": $.normalizer.normalizers[0].precompiled_charsmap has a trie step past its 300 units"), log);
        assertTrue(log.contains("OUTCOME " + sound + " encoded [2, 9, 3][2, 10, 3][2, 9, 63, 3]"), log);
    }

    /** A charsmap too short for its trie size, and a one-unit trie: counts in the singular. */
    @Test
    void oneByteAndOneUnitAreCountedInTheSingular() {
        assertEquals("holds 1 byte, fewer than the 4 of its trie size", PrecompiledCharsmap.problem("AQ=="));
        // trie size 4: one unit, 0xFFFFFFFF, whose offset puts every step far past it
        assertTrue(PrecompiledCharsmap.problem("BAAAAP////8=").startsWith("has a trie step past its 1 unit ("),
                PrecompiledCharsmap.problem("BAAAAP////8="));
    }

    /** The library's base64 is padded and canonical; Java's decoder also takes it unpadded. */
    @Test
    void unpaddedBase64IsRefused() {
        String padded = charsmap(2048, trie(512, 0), utf8("b\0"));
        assertTrue(padded.endsWith("="), padded);
        String problem = PrecompiledCharsmap.problem(padded.replace("=", ""));
        assertEquals("is not canonical padded base64", problem);
        assertNull(PrecompiledCharsmap.problem(padded));
    }
}
