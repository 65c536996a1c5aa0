package io.github.prefine.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.kernels.EngineScalars;

/** Small heads for tests: a linear layer over the hidden states, and cross entropy per example. */
public final class TestHeads {
    private TestHeads() {}

    /** Kinds of test heads. */
    public enum Kind { SEQUENCE, TOKEN, SPAN, CHOICE }

    /** A linear map hidden to {@code units} with weight [hidden, units] and bias [units]. */
    static final class LinearBlock extends AbstractBlock {
        final int units;
        Parameter weight;
        final Parameter bias;
        int hidden;

        LinearBlock(int units) {
            super((byte) 1);
            this.units = units;
            bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(units)).build());
        }

        void setHidden(int h) {
            hidden = h;
            weight = Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(h, units)).optInitializer(new NormalInitializer(0.1f)).build();
            parameters.put("weight", weight);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray x = inputs.head();
            return new NDList(x.matMul(ps.getValue(weight, x.getDevice(), training)).add(ps.getValue(bias, x.getDevice(), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(units)};
        }
    }

    /** Test head of one kind. */
    public static final class Head implements TaskHead {
        private final Kind kind;
        private final int numLabels;
        private final LinearBlock block;
        /** A label value that makes the loss NaN, to test non-finite detection; Integer.MIN_VALUE for none. */
        private final int poison;

        Head(Kind kind, int numLabels, int poison) {
            this.kind = kind;
            this.numLabels = numLabels;
            this.poison = poison;
            int units = switch (kind) {
                case SEQUENCE, TOKEN -> numLabels;
                case SPAN -> 2;
                case CHOICE -> 1;
            };
            this.block = new LinearBlock(units);
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public int numLabels() {
            return numLabels;
        }

        @Override
        public void initialize(NDManager manager, int hiddenSize) {
            block.setHidden(hiddenSize);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, hiddenSize));
        }

        @Override
        public NDArray logits(ParameterStore ps, NDArray hidden, NDArray mask, boolean training) {
            switch (kind) {
                case SEQUENCE:
                    return block.forward(ps, new NDList(hidden.get(new NDIndex(":, 0, :"))), training).head();
                case CHOICE: {
                    NDArray s = block.forward(ps, new NDList(hidden.get(new NDIndex(":, 0, :"))), training).head();
                    return s.reshape(-1, numLabels);
                }
                case SPAN: {
                    // padding positions can never be a start or an end: the loss is padding-invariant
                    NDArray lg = block.forward(ps, new NDList(hidden), training).head();
                    NDArray pad = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-1e4f).expandDims(-1);
                    return lg.add(pad);
                }
                default:
                    return block.forward(ps, new NDList(hidden), training).head();
            }
        }

        @Override
        public NDArray exampleLosses(NDArray logits, NDArray labels) {
            switch (kind) {
                case SEQUENCE:
                case CHOICE: {
                    NDArray l = nll(logits, labels); // [n]
                    return poisoned(l, labels);
                }
                case TOKEN: {
                    NDArray valid = labels.neq(-100);
                    NDArray safe = labels.mul(valid.toType(DataType.INT32, false));
                    NDArray tok = nll(logits, safe).mul(valid.toType(DataType.FLOAT32, false)); // [n,T]
                    NDArray count = valid.toType(DataType.FLOAT32, false).sum(new int[] {1}).maximum(1f);
                    return tok.sum(new int[] {1}).div(count);
                }
                case SPAN: {
                    NDArray start = logits.get(new NDIndex(":, :, 0"));
                    NDArray end = logits.get(new NDIndex(":, :, 1"));
                    NDArray ls = nll(start, labels.get(new NDIndex(":, 0")));
                    NDArray le = nll(end, labels.get(new NDIndex(":, 1")));
                    return EngineScalars.div(ls.add(le), 2f); // a Number operand would be GC-freed before backward
                }
                default:
                    throw new AssertionError(kind);
            }
        }

        private NDArray poisoned(NDArray loss, NDArray labels) {
            if (poison == Integer.MIN_VALUE) {
                return loss;
            }
            // log(-1) = NaN on rows carrying the poison label
            NDArray hit = labels.eq(poison).toType(DataType.FLOAT32, false);
            return loss.add(hit.neg().add(1f).log().mul(hit));
        }

        /** Negative log-likelihood along the last axis; labels have the logits' shape minus it. */
        private static NDArray nll(NDArray logits, NDArray labels) {
            int classes = (int) logits.getShape().getLastDimension();
            NDArray lsm = logits.logSoftmax(-1);
            NDArray oh = labels.toType(DataType.INT64, false).oneHot(classes).toType(DataType.FLOAT32, false);
            return lsm.mul(oh).sum(new int[] {-1}).neg();
        }
    }

    public static Head sequence(int numLabels) {
        return new Head(Kind.SEQUENCE, numLabels, Integer.MIN_VALUE);
    }

    public static Head poisonedSequence(int numLabels, int poison) {
        return new Head(Kind.SEQUENCE, numLabels, poison);
    }

    public static Head token(int numLabels) {
        return new Head(Kind.TOKEN, numLabels, Integer.MIN_VALUE);
    }

    public static Head span() {
        return new Head(Kind.SPAN, 2, Integer.MIN_VALUE);
    }

    public static Head choice(int numChoices) {
        return new Head(Kind.CHOICE, numChoices, Integer.MIN_VALUE);
    }
}
