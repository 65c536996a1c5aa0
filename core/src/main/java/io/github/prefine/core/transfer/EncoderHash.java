package io.github.prefine.core.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content hash that keys cached embeddings to an encoder: SHA-256 over the names, lengths and
 * bytes of the regular files directly in the encoder's folder (config, weights, tokenizer), in name
 * order. The length before the bytes keeps the encoding unambiguous: without it, bytes moved from
 * the end of one file into a file of their own named by them hashed alike.
 *
 * <p>Stateless and thread-safe.
 */
public final class EncoderHash {
    private EncoderHash() {}

    /**
     * Hashes an encoder folder.
     *
     * @param folder a Hugging Face model folder
     * @return lower-case hex SHA-256
     * @throws IOException if the folder cannot be listed or a file read
     */
    public static String of(Path folder) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + ": no files to hash, expected an encoder folder");
        }
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            long size = Files.size(f);
            md.update(ByteBuffer.allocate(Long.BYTES).putLong(size).array());
            long read = 0;
            try (InputStream in = Files.newInputStream(f)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    read += n;
                }
            }
            if (read != size) {
                throw new IOException(f + ": changed while it was hashed (" + size + " bytes, then " + read
                        + " read); expected an encoder folder nothing writes to");
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
