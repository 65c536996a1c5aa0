package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderHashTest {
    /**
     * Names and contents were hashed one after the other with no length between them, so a folder
     * whose last bytes of one file were moved into the next hashed as another: {@code a = "X"},
     * {@code b = "Y"} and a single {@code a = "X" + "b\0" + "Y"} fed the same bytes to SHA-256,
     * and embeddings of one answered for the other.
     */
    @Test
    void bytesMovedFromOneFileIntoANameOfItsOwnChangeTheHash(@TempDir Path dir) throws Exception {
        Path two = Files.createDirectories(dir.resolve("two"));
        Files.writeString(two.resolve("a"), "X");
        Files.writeString(two.resolve("b"), "Y");
        Path one = Files.createDirectories(dir.resolve("one"));
        Files.write(one.resolve("a"), "Xb\0Y".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(EncoderHash.of(two), EncoderHash.of(one));
    }

    @Test
    void aChangedWeightByteChangesTheHashAndTimesOrSubfoldersDoNot(@TempDir Path dir) throws Exception {
        Path enc = Files.createDirectories(dir.resolve("enc"));
        byte[] weights = new byte[200_000]; // past the reader's 64 KiB buffer
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (i * 31);
        }
        Files.write(enc.resolve("model.safetensors"), weights);
        Files.writeString(enc.resolve("config.json"), "{}");
        String h = EncoderHash.of(enc);

        Files.setLastModifiedTime(enc.resolve("model.safetensors"), FileTime.fromMillis(0));
        Files.createDirectories(enc.resolve("1_Pooling"));
        Files.writeString(enc.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_tokens\": true}");
        assertEquals(h, EncoderHash.of(enc), "a time stamp and a subfolder the loader never reads");

        weights[150_000] ^= 1;
        Files.write(enc.resolve("model.safetensors"), weights);
        assertNotEquals(h, EncoderHash.of(enc), "one bit of the weights past the first buffer");
    }

    /**
     * The hash is the one its Javadoc states, computed here by hand: SHA-256 over each regular
     * file's name, a 0 byte, its length as 8 big-endian bytes and its bytes, in name order. A file
     * renamed, with the same bytes, is another encoder folder; a hash that left the names out
     * passed every other test here.
     */
    @Test
    void theHashIsSha256OverEachFilesNameLengthAndBytesInNameOrder(@TempDir Path dir) throws Exception {
        Path enc = Files.createDirectories(dir.resolve("enc"));
        Files.writeString(enc.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        Files.writeString(enc.resolve("config.json"), "{\"model_type\": \"bert\"}");
        Files.write(enc.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5});
        Files.createDirectories(enc.resolve("1_Pooling"));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String name : new String[] {"config.json", "model.safetensors", "vocab.txt"}) {
            byte[] bytes = Files.readAllBytes(enc.resolve(name));
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
            md.update(bytes);
        }
        assertEquals(HexFormat.of().formatHex(md.digest()), EncoderHash.of(enc));
        String before = EncoderHash.of(enc);
        Files.move(enc.resolve("vocab.txt"), enc.resolve("vocab2.txt"));
        assertNotEquals(before, EncoderHash.of(enc), "the same bytes under another name");
    }

    /**
     * An embedding cached before the hash took each file's length (SHA-256 over each file's name,
     * a 0 byte and its bytes, in name order) is keyed by a hash that no encoder has any more: the
     * store answers nothing for the same folder, so the embedding is computed again, and never
     * read as this encoder's or refused as damaged.
     */
    @Test
    void anEmbeddingCachedUnderThePreviousHashIsComputedAgainNotRead(@TempDir Path dir) throws Exception {
        Path enc = Files.createDirectories(dir.resolve("enc"));
        Files.writeString(enc.resolve("config.json"), "{\"model_type\": \"bert\"}");
        Files.write(enc.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String name : new String[] {"config.json", "model.safetensors"}) {
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Files.readAllBytes(enc.resolve(name)));
        }
        String previous = HexFormat.of().formatHex(md.digest());
        String now = EncoderHash.of(enc);
        assertNotEquals(previous, now);

        EmbeddingStore store = EmbeddingStore.open(dir.resolve("store"));
        store.put(new TaskEmbedding("cls", EmbeddingMethod.TEXT_EMB, previous, "all-rows", new float[] {1f, 2f}, 3, 0.5));
        assertTrue(store.find("cls", EmbeddingMethod.TEXT_EMB, now, "all-rows").isEmpty());
        assertEquals(previous, store.find("cls", EmbeddingMethod.TEXT_EMB, previous, "all-rows").orElseThrow()
                .encoderHash(), "the old entry stays whole beside the new one");
    }
}
