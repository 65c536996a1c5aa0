package io.github.prefine.core.encoder;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code reference.json} of the shared HF fixtures (see its README). */
final class HfReference {

    /** One encoded text: ids, type ids, mask and HF's last hidden state per position. */
    record Case(String text, long[] ids, long[] typeIds, long[] mask, float[][] hidden) {
        int realTokens() {
            int n = 0;
            for (long m : mask) {
                n += (int) m;
            }
            return n;
        }
    }

    final List<Case> cases = new ArrayList<>();
    final long[][] batchIds;
    final long[][] batchMask;
    final float[][][] batchHidden;

    HfReference(Path file) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement el : root.getAsJsonArray("cases")) {
            JsonObject c = el.getAsJsonObject();
            cases.add(new Case(
                    c.get("text").getAsString(),
                    longs(c.getAsJsonArray("ids")),
                    longs(c.getAsJsonArray("type_ids")),
                    longs(c.getAsJsonArray("attention_mask")),
                    floats2(c.getAsJsonArray("last_hidden_state"))));
        }
        JsonObject pb = root.getAsJsonObject("padded_batch");
        JsonArray ids = pb.getAsJsonArray("ids");
        batchIds = new long[ids.size()][];
        batchMask = new long[ids.size()][];
        batchHidden = new float[ids.size()][][];
        for (int i = 0; i < ids.size(); i++) {
            batchIds[i] = longs(ids.get(i).getAsJsonArray());
            batchMask[i] = longs(pb.getAsJsonArray("attention_mask").get(i).getAsJsonArray());
            batchHidden[i] = floats2(pb.getAsJsonArray("last_hidden_state").get(i).getAsJsonArray());
        }
    }

    static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    static float[][] floats2(JsonArray a) {
        float[][] out = new float[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray row = a.get(i).getAsJsonArray();
            out[i] = new float[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).getAsFloat();
            }
        }
        return out;
    }
}
