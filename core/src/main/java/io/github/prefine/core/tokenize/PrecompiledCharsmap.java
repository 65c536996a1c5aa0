package io.github.prefine.core.tokenize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.prefine.eval.internal.Counts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;

/**
 * Checks the {@code precompiled_charsmap} of a {@code Precompiled} normalizer (SentencePiece's
 * normalization rules, which XLM-R, T5 and ALBERT files carry) as the native library reads it
 * (crate {@code spm_precompiled} 0.1.4): base64 of a little-endian u32 byte size of a trie, the
 * trie's u32 units (a darts-clone double array), then NUL-terminated replacement strings in UTF-8.
 * The library aborts the JVM on a charsmap it cannot use instead of refusing it: at load, where
 * the base64, the trie size or the strings are broken; at the first text, where a trie step reads
 * past the array or a replacement starts past the strings or inside a character. Only what the
 * library can reach is checked: from the root, the steps of keys of up to {@value #MAX_KEY_BYTES}
 * bytes (it looks up a grapheme of fewer than 6 bytes, else each character), each of the 255 byte
 * values a key may hold.
 *
 * <p>Stateless.
 */
final class PrecompiledCharsmap {
    /** The longest key the library looks up: a grapheme of fewer than 6 UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 5;

    private PrecompiledCharsmap() {}

    /**
     * Refuses a {@code Precompiled} normalizer, alone or in a {@code Sequence}, whose charsmap the
     * library would abort the JVM on.
     *
     * @param shown the file as messages name it
     * @param normalizer the file's {@code normalizer} element, or null
     * @param path its JSON path, {@code $.normalizer}
     * @throws IOException naming the file, the charsmap's JSON path, what is wrong and what was expected
     */
    static void check(String shown, JsonElement normalizer, String path) throws IOException {
        if (normalizer == null || !normalizer.isJsonObject()) {
            return;
        }
        JsonObject o = normalizer.getAsJsonObject();
        JsonElement type = o.get("type");
        String kind = type != null && type.isJsonPrimitive() ? type.getAsString() : "";
        JsonElement members = o.get("normalizers");
        if (kind.equals("Sequence") && members != null && members.isJsonArray()) {
            for (int i = 0; i < members.getAsJsonArray().size(); i++) {
                check(shown, members.getAsJsonArray().get(i), path + ".normalizers[" + i + "]");
            }
        }
        if (!kind.equals("Precompiled")) {
            return;
        }
        JsonElement charsmap = o.get("precompiled_charsmap");
        String problem;
        if (charsmap == null || !charsmap.isJsonPrimitive() || !charsmap.getAsJsonPrimitive().isString()) {
            problem = charsmap == null ? "is absent" : "is " + charsmap + ", not a string";
        } else {
            problem = problem(charsmap.getAsString());
        }
        if (problem != null) {
            throw new IOException(shown + ": " + path + ".precompiled_charsmap " + problem + "; expected the base64 of"
                    + " a SentencePiece precompiled charsmap (a u32 trie size, a double-array trie whose steps and"
                    + " replacements stay inside it, UTF-8 replacement strings), which the tokenizers library"
                    + " aborts the process on otherwise");
        }
    }

    /**
     * What makes a charsmap unusable to the library, or null when it can use it.
     *
     * @param base64 the member's text
     * @return the defect, as a phrase following the member's name
     */
    static String problem(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return "is not base64 (" + e.getMessage() + ")";
        }
        // the library's decoder takes only padded, canonical base64, which Java's is lenient about
        if (!Base64.getEncoder().encodeToString(bytes).equals(base64)) {
            return "is not canonical padded base64";
        }
        if (bytes.length < 4) {
            return "holds " + Counts.counted(bytes.length, "byte") + ", fewer than the 4 of its trie size";
        }
        long trieBytes = ByteBuffer.wrap(bytes, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        int units = (int) Math.min(trieBytes / 4, Integer.MAX_VALUE);
        if (4 + 4L * units > bytes.length) {
            return "gives a trie of " + trieBytes + " bytes, beyond the " + (bytes.length - 4) + " that follow its size";
        }
        if (units == 0) {
            return "holds an empty trie, whose root the library reads at the first text";
        }
        long[] array = new long[units];
        ByteBuffer trie = ByteBuffer.wrap(bytes, 4, 4 * units).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < units; i++) {
            array[i] = trie.getInt() & 0xFFFFFFFFL;
        }
        int start = 4 + 4 * units;
        byte[] normalized = java.util.Arrays.copyOfRange(bytes, start, bytes.length);
        if (StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(normalized),
                CharBuffer.allocate(normalized.length), true).isError()) {
            return "holds replacement strings that are not UTF-8";
        }
        return trieProblem(array, normalized);
    }

    /** A step or replacement the library's lookup can reach that lies outside the trie or strings, or null. */
    private static String trieProblem(long[] array, byte[] normalized) {
        int n = array.length;
        // nodes by the depth they are first met at: a node met deeper reaches no more
        int[] depth = new int[n + 256];
        java.util.Arrays.fill(depth, -1);
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        queue.add(new long[] {offset(array[0]), 0});
        while (!queue.isEmpty()) {
            long[] at = queue.poll();
            long node = at[0];
            int d = (int) at[1];
            for (int c = 1; c < 256; c++) {
                long step = node ^ c;
                if (step >= n) {
                    return String.format(Locale.ROOT, "has a trie step past its %s (byte 0x%02X at key byte %d"
                            + " reads unit %d)", Counts.counted(n, "unit"), c, d + 1, step);
                }
                long unit = array[(int) step];
                if (label(unit) != c) {
                    continue;
                }
                long child = step ^ offset(unit);
                if (hasLeaf(unit)) {
                    if (child >= n) {
                        return "has a trie value past its " + Counts.counted(n, "unit") + " (unit " + child + ")";
                    }
                    long value = array[(int) child] & 0x7FFFFFFFL;
                    if (value > normalized.length) {
                        return "has a replacement at byte " + value + ", past its " + Counts.counted(normalized.length,
                                "byte") + " of replacement strings";
                    }
                    if (value < normalized.length && (normalized[(int) value] & 0xC0) == 0x80) {
                        return "has a replacement at byte " + value + ", inside a character of its replacement strings";
                    }
                }
                // a node past the array ends the walk at its first step, checked when it is visited
                if (d + 1 < MAX_KEY_BYTES && child < n + 256 && depth[(int) child] < 0) {
                    depth[(int) child] = d + 1;
                    queue.add(new long[] {child, d + 1});
                }
                if (d + 1 < MAX_KEY_BYTES && child >= n + 256) {
                    return String.format(Locale.ROOT, "has a trie step past its %s (a node at unit %d)",
                            Counts.counted(n, "unit"), child);
                }
            }
        }
        return null;
    }

    private static long offset(long unit) {
        return (unit >>> 10) << ((unit & (1L << 9)) >>> 6);
    }

    private static long label(long unit) {
        return unit & ((1L << 31) | 0xFF);
    }

    private static boolean hasLeaf(long unit) {
        return ((unit >>> 8) & 1) == 1;
    }
}
