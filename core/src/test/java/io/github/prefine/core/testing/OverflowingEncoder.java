package io.github.prefine.core.testing;

import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.SafetensorsReader;
import io.github.prefine.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a saved encoder's activations overflow float32 with finite weights, which its load takes:
 * the embeddings' LayerNorm weight set to 3e38 makes that LayerNorm's output infinite, and the next
 * matrix product's sum of +inf and -inf NaN, so every logit of the model is NaN.
 */
public final class OverflowingEncoder {
    private OverflowingEncoder() {}

    /**
     * Rewrites a BERT encoder's safetensors file with its embeddings' LayerNorm weight set to 3e38.
     *
     * @param weights the encoder's {@code model.safetensors}, rewritten in place
     * @throws IOException if the file cannot be read or written
     */
    public static void overflow(Path weights) throws IOException {
        Map<String, HostTensor> t;
        try (SafetensorsReader r = SafetensorsReader.open(weights)) {
            t = new TreeMap<>(r.readAll());
        }
        String key = "embeddings.LayerNorm.weight";
        long[] shape = t.get(key).shape();
        float[] huge = new float[(int) shape[0]];
        Arrays.fill(huge, 3e38f);
        t.put(key, HostTensor.ofFloats(key, shape, huge));
        SafetensorsWriter.write(weights, new ArrayList<>(t.values()), SafetensorsWriter.PT_METADATA);
    }
}
