package io.github.prefine.core.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
}
