package io.github.prefine.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.model.NamedParameter;
import io.github.prefine.core.model.internal.TensorArchive;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies of the flat parameter buffer on further devices, for data-parallel steps: each device
 * runs forward and backward on its part of the batch against its copy; the gradients are summed
 * onto the first device (one transfer and one addition per device) and, after the update, the
 * copies are refreshed (one transfer per device).
 */
final class Replicas implements AutoCloseable {
    private final FlatParameters flat;
    private final List<Device> devices;
    private final List<NDManager> managers = new ArrayList<>();
    private final List<NDArray> buffers = new ArrayList<>();

    Replicas(FlatParameters flat, List<Device> devices) {
        this.flat = flat;
        this.devices = List.copyOf(devices);
        NDArray master = flat.master();
        for (Device d : devices) {
            NDManager m = master.getManager().newSubManager(d);
            // toDevice onto the same device would alias the buffer, so clone there instead
            NDArray copy = master.getDevice().equals(d) ? master.duplicate() : master.toDevice(d, true);
            copy.attach(m);
            managers.add(m);
            buffers.add(copy);
        }
    }

    /** The replica side of one step: a leaf per device. */
    Step newStep(NDManager stepManager) {
        return new Step(stepManager);
    }

    final class Step {
        private final List<NDManager> stepManagers = new ArrayList<>();
        private final List<NDArray> leaves = new ArrayList<>();

        private Step(NDManager stepManager) {
            for (int i = 0; i < devices.size(); i++) {
                NDManager dm = stepManager.newSubManager(devices.get(i));
                NDArray leaf = buffers.get(i).stopGradient();
                leaf.attach(dm);
                leaf.setRequiresGradient(true);
                stepManagers.add(dm);
                leaves.add(leaf);
            }
        }

        NDManager manager(int replica) {
            return stepManagers.get(replica);
        }

        ParameterStore store(int replica) {
            return flat.store(stepManagers.get(replica), leaves.get(replica), DataType.FLOAT32);
        }

        /** Adds every replica's gradient (zero where it ran no part) into the first device's. */
        void addGradientsTo(NDArray gradient) {
            for (int i = 0; i < leaves.size(); i++) {
                NDArray g = FlatParameters.gradientOrNull(leaves.get(i));
                if (g == null) {
                    continue;
                }
                g.attach(stepManagers.get(i));
                NDArray moved = g.toDevice(gradient.getDevice(), false);
                moved.attach(gradient.getManager());
                gradient.addi(moved);
            }
        }
    }

    /** Copies the buffer's values to every replica. */
    void sync() {
        for (NDArray b : buffers) {
            TensorArchive.copyInto(flat.master(), b);
        }
    }

    /** One replica's values per parameter, in the given order (host copies, for tests). */
    List<float[]> values(int replica, List<NamedParameter> order) {
        List<float[]> out = new ArrayList<>();
        List<NamedParameter> laid = flat.parameters();
        try (NDManager tmp = managers.get(replica).newSubManager()) {
            for (NamedParameter p : order) {
                int pos = -1;
                for (int i = 0; i < laid.size(); i++) {
                    if (laid.get(i).parameter() == p.parameter()) {
                        pos = i;
                        break;
                    }
                }
                NDArray v = flat.slice(buffers.get(replica), pos);
                v.attach(tmp);
                out.add(v.toFloatArray());
            }
        }
        return out;
    }

    @Override
    public void close() {
        managers.forEach(NDManager::close);
    }
}
