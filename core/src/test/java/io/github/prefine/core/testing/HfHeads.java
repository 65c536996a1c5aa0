package io.github.prefine.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.prefine.core.checkpoint.HostTensor;
import io.github.prefine.core.checkpoint.HostTensors;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.encoder.LoadedCheckpoint;
import io.github.prefine.heads.Head;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fills a head with the head tensors of an HF task checkpoint (the fixtures' {@code *-classification/} folders). */
public final class HfHeads {
    private HfHeads() {}

    /**
     * Loads a checkpoint's non-encoder tensors (pooler, classifier, {@code qa_outputs}) into a head.
     *
     * @param head an initialized head
     * @param folder the HF checkpoint folder
     * @param m a manager for the temporary arrays (a sub-manager is closed before returning)
     * @throws IOException if the checkpoint cannot be read
     */
    public static void load(Head head, Path folder, NDManager m) throws IOException {
        try (NDManager tmp = m.newSubManager(); LoadedCheckpoint c = EncoderCheckpoint.load(folder, tmp)) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : c.otherTensors().entrySet()) {
                t.put(e.getKey(), HostTensors.toNDArray(e.getValue(), tmp, DataType.FLOAT32));
            }
            head.loadHfWeights(t);
        }
    }
}
