package io.github.prefine.examples.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The label names of a Hub parquet file, read from the dataset's own features: the
 * {@code huggingface} key of the footer metadata, written by the {@code datasets} library, holds
 * {@code {"info": {"features": {...}}}} where a label column is a {@code ClassLabel} with its
 * {@code names}, directly or inside a {@code Sequence} / {@code List} (token tags).
 */
final class HubFeatures {
    private HubFeatures() {}

    /**
     * Returns the ClassLabel names of every top-level column that has them.
     *
     * @param file the file name, for messages
     * @param keyValue the footer metadata
     * @return column name to label names in index order
     * @throws IOException if the metadata is absent or is not the expected JSON
     */
    static Map<String, List<String>> classLabels(String file, Map<String, String> keyValue) throws IOException {
        String json = keyValue.get("huggingface");
        if (json == null) {
            throw new IOException(file + ": the parquet footer has no 'huggingface' metadata, so no label names; "
                    + "keys found: " + keyValue.keySet());
        }
        JsonObject features;
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            JsonObject info = root.has("info") ? root.getAsJsonObject("info") : root;
            features = info.getAsJsonObject("features");
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new IOException(file + ": 'huggingface' metadata must be JSON with info.features, found: "
                    + json.substring(0, Math.min(120, json.length())), e);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (features == null) {
            return out;
        }
        for (Map.Entry<String, JsonElement> e : features.entrySet()) {
            List<String> names = names(e.getValue());
            if (names != null) {
                out.put(e.getKey(), names);
            }
        }
        return out;
    }

    private static List<String> names(JsonElement feature) {
        if (feature == null || !feature.isJsonObject()) {
            return null;
        }
        JsonObject f = feature.getAsJsonObject();
        String type = f.has("_type") ? f.get("_type").getAsString() : "";
        if (type.equals("ClassLabel") && f.has("names")) {
            List<String> names = new ArrayList<>();
            f.getAsJsonArray("names").forEach(n -> names.add(n.getAsString()));
            return names;
        }
        if ((type.equals("Sequence") || type.equals("List") || type.equals("LargeList")) && f.has("feature")) {
            return names(f.get("feature"));
        }
        return null;
    }
}
