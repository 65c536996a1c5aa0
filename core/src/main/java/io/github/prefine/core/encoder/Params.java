package io.github.prefine.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import java.util.List;

/** Parameter helpers shared by the encoder blocks. */
final class Params {

    private Params() {}

    /**
     * Creates a parameter without a shape, so that it can receive either a loaded array
     * ({@link Parameter#setArray}) or, through DJL's initialize path, a shape and an initializer:
     * for weights normal(0, the config's {@code initializer_range}), as HF's {@code _init_weights}.
     */
    static Parameter create(String name, Parameter.Type type, EncoderConfig config) {
        return create(name, type, config, -1);
    }

    /**
     * Creates a weight as {@link #create(String, Parameter.Type, EncoderConfig)} does, whose row
     * {@code zeroRow} DJL's initialize path sets to 0 after the draw, as HF's {@code _init_weights}
     * zeroes an {@code nn.Embedding}'s {@code padding_idx} row (and as {@link
     * TransformerEncoder#initializeRandom} does); -1 for none.
     */
    static Parameter create(String name, Parameter.Type type, EncoderConfig config, int zeroRow) {
        Parameter.Builder b = Parameter.builder().setName(name).setType(type);
        if (type == Parameter.Type.WEIGHT) {
            NormalInitializer normal = new NormalInitializer(config.initializerRange());
            if (zeroRow < 0) {
                b.optInitializer(normal);
            } else {
                b.optInitializer((manager, shape, dataType) -> {
                    NDArray a = normal.initialize(manager, shape, dataType);
                    a.set(new NDIndex(zeroRow), 0f);
                    return a;
                });
            }
        }
        return b.build();
    }

    /** Gives an uninitialized parameter its shape, for DJL's initializer path. */
    static void prepare(Parameter p, long... shape) {
        if (!p.isInitialized() && p.getShape() == null) {
            p.setShape(new Shape(shape));
        }
    }

    /** Hands a freshly made array to a parameter that has none yet. */
    static void assign(Parameter p, NDArray value) {
        if (p.isInitialized() || p.getShape() != null) {
            throw new IllegalStateException("parameter " + p.getName() + " already has a value; build a new encoder instead");
        }
        p.setArray(value);
    }

    /**
     * The parameters of {@code block} and of every block below it, in DJL's order. A block's tree
     * is fixed once its constructor has added its children, so the list can be taken there.
     */
    static List<Parameter> below(Block block) {
        return List.copyOf(block.getParameters().values());
    }

    /**
     * DJL's {@code isInitialized} test (input shapes recorded, every parameter below has an array)
     * over a list taken once: DJL's own rebuilds the named list of every parameter below, a string
     * per parameter and level, at each training forward of each block.
     */
    static boolean initialized(Shape[] inputShapes, List<Parameter> below) {
        if (inputShapes == null) {
            return false;
        }
        for (Parameter p : below) {
            if (!p.isInitialized()) {
                return false;
            }
        }
        return true;
    }
}
