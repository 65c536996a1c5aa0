package io.github.prefine.examples.data;

import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.int32;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.list;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.string;
import static io.github.prefine.examples.data.parquet.TestParquetWriter.Field.struct;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.prefine.examples.data.parquet.TestParquetWriter;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Builds parquet files shaped like the Hub's conversion, with {@code huggingface} features metadata. */
final class HubParquet {
    private HubParquet() {}

    static JsonObject value(String dtype) {
        JsonObject o = new JsonObject();
        o.addProperty("dtype", dtype);
        o.addProperty("_type", "Value");
        return o;
    }

    static JsonObject classLabel(List<String> names) {
        JsonObject o = new JsonObject();
        JsonArray a = new JsonArray();
        names.forEach(a::add);
        o.add("names", a);
        o.addProperty("_type", "ClassLabel");
        return o;
    }

    static JsonObject sequence(JsonObject feature) {
        JsonObject o = new JsonObject();
        o.add("feature", feature);
        o.addProperty("_type", "Sequence");
        return o;
    }

    static String metadata(Map<String, JsonObject> features) {
        JsonObject f = new JsonObject();
        features.forEach(f::add);
        JsonObject info = new JsonObject();
        info.add("features", f);
        JsonObject root = new JsonObject();
        root.add("info", info);
        return root.toString();
    }

    /** A writer with the columns of the MRQA conversion ({@code mrqa-workshop/mrqa}) that the catalog reads. */
    static TestParquetWriter mrqa() {
        return new TestParquetWriter().field(string("subset")).field(string("context"))
                .field(string("qid")).field(string("question"))
                .field(struct("detected_answers", list("text", string("element")),
                        list("char_spans", struct("element", list("start", int32("element")),
                                list("end", int32("element"))))))
                .field(list("answers", string("element")));
    }

    static byte[] file(TestParquetWriter w, Map<String, JsonObject> features, List<Map<String, Object>> rows)
            throws IOException {
        if (features != null) {
            w.metadata("huggingface", metadata(features));
        }
        return w.toBytes(rows);
    }
}
