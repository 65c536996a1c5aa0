package io.github.prefine.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal reader of F32 safetensors files for tests: 8-byte little-endian header length, a JSON
 * header of {@code name -> {dtype, shape, data_offsets}}, then the raw little-endian data.
 */
final class SafetensorsF32 {

    private SafetensorsF32() {}

    /** Reads every tensor of the file into arrays owned by {@code manager}, in header order. */
    static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = all.getLong(0);
        if (headerLen < 2 || 8 + headerLen > all.capacity()) {
            throw new IOException(file + ": header length " + headerLen + " out of range");
        }
        String json = new String(all.array(), 8, (int) headerLen, StandardCharsets.UTF_8);
        JsonObject header = JsonParser.parseString(json).getAsJsonObject();
        int dataStart = 8 + (int) headerLen;
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonObject t = e.getValue().getAsJsonObject();
            String dtype = t.get("dtype").getAsString();
            if (!dtype.equals("F32")) {
                throw new IOException(file + ": " + e.getKey() + " has dtype " + dtype + ", only F32 is read");
            }
            JsonArray dims = t.getAsJsonArray("shape");
            long[] shape = new long[dims.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).getAsLong();
                numel *= shape[i];
            }
            JsonArray offsets = t.getAsJsonArray("data_offsets");
            int begin = dataStart + offsets.get(0).getAsInt();
            int end = dataStart + offsets.get(1).getAsInt();
            if (end - begin != numel * 4 || end > all.capacity()) {
                throw new IOException(file + ": " + e.getKey() + " offsets do not match its shape");
            }
            float[] values = new float[(int) numel];
            all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(begin).limit(end).slice()
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            out.put(e.getKey(), manager.create(values, new Shape(shape)));
        }
        return out;
    }
}
