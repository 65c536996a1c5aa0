package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A test encoder honouring the encoder contract: (inputIds, attentionMask) int64 [B, T] to
 * lastHiddenState float32 [B, T, H]. Each position sees its own embedding and the masked mean of
 * the row's embeddings, through one dense layer and tanh. No dropout, so it is deterministic.
 */
public final class TinyEncoder extends AbstractBlock {
    private final int vocab;
    private final int hidden;
    private final Parameter embedding;
    private final Parameter dense;
    private final Parameter bias;

    public TinyEncoder(int vocab, int hidden) {
        super((byte) 1);
        this.vocab = vocab;
        this.hidden = hidden;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocab, hidden)).optInitializer(new NormalInitializer(0.5f)).build());
        dense = addParameter(Parameter.builder().setName("dense").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(2L * hidden, hidden)).optInitializer(new NormalInitializer(0.3f)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(hidden)).build());
    }

    public int hidden() {
        return hidden;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(-1); // [B,T,1]
        NDArray e = ids.oneHot(vocab).matMul(ps.getValue(embedding, ids.getDevice(), training)); // [B,T,H]
        NDArray ctx = e.mul(mask).sum(new int[] {1}, true).div(mask.sum(new int[] {1}, true).maximum(1f));
        NDArray both = e.concat(ctx.broadcast(e.getShape()), -1); // [B,T,2H]
        NDArray out = both.matMul(ps.getValue(dense, ids.getDevice(), training))
                .add(ps.getValue(bias, ids.getDevice(), training)).tanh();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), hidden)};
    }

    /** Initializes on a manager for [1, 4] inputs. */
    public TinyEncoder init(ai.djl.ndarray.NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
        return this;
    }
}
