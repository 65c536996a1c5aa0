package io.github.prefine.core.testing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face BERT task folder made with fewer positions than another: its config's {@code
 * max_position_embeddings} and its position table cut to the first rows, the rest as they are, as
 * {@code save_pretrained} writes a model of that many positions whose table matches the first's.
 * For a text that fits, it gives the first folder's outputs.
 */
public final class ShortPositions {
    private ShortPositions() {}

    /**
     * Writes the folder.
     *
     * @param hf the folder to cut, with {@code config.json}, {@code model.safetensors} and {@code tokenizer.json}
     * @param out the folder written, created if absent
     * @param positions the positions it keeps
     * @return {@code out}
     * @throws IOException if a file cannot be read or written
     */
    public static Path copy(Path hf, Path out, int positions) throws IOException {
        Files.createDirectories(out);
        List<HostTensor> tensors = new ArrayList<>();
        try (SafetensorsReader r = SafetensorsReader.open(hf)) {
            for (HostTensor t : r.readAll().values()) {
                if (t.name().endsWith("embeddings.position_embeddings.weight")) {
                    long[] shape = t.shape().clone();
                    int rowBytes = Math.toIntExact(t.numel() / shape[0]) * t.dtype().bytes();
                    shape[0] = positions;
                    t = new HostTensor(t.name(), t.dtype(), shape,
                            t.data().duplicate().rewind().limit(positions * rowBytes));
                }
                tensors.add(t);
            }
        }
        SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, SafetensorsWriter.PT_METADATA);
        JsonObject c = JsonParser.parseString(Files.readString(hf.resolve("config.json"))).getAsJsonObject();
        c.addProperty("max_position_embeddings", positions);
        Files.writeString(out.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(c));
        Files.copy(hf.resolve("tokenizer.json"), out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        return out;
    }
}
