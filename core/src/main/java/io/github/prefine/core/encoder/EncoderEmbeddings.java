package io.github.prefine.core.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.prefine.core.kernels.PaddedEmbedding;
import io.github.prefine.kernels.EngineScalars;
import io.github.prefine.kernels.FastDropout;
import java.util.List;

/**
 * The embedding layer of HF {@code BertEmbeddings}/{@code RobertaEmbeddings}: word + position +
 * token type embeddings, then LayerNorm, then dropout (training only).
 *
 * <p>Input: {@code NDList(inputIds [batch, seqLen] int64[, tokenTypeIds [batch, seqLen] int64])};
 * without token types, type 0 is used everywhere. Output: {@code NDList(embeddings [batch, seqLen,
 * hidden])} in the parameter dtype. RoBERTa and XLM-R position ids are computed from the input;
 * BERT takes the table's first {@code seqLen} rows. As HF's {@code padding_idx}, the padding row
 * of the word table (none where {@code pad_token_id} is null) and, for RoBERTa and XLM-R, of the
 * position table takes no gradient. Every result joins the manager of {@code inputIds}.
 *
 * <p>Parameters (HF key under {@code embeddings.}): {@code word_embeddings.weight [vocab, hidden]},
 * {@code position_embeddings.weight [maxPositions, hidden]}, {@code token_type_embeddings.weight
 * [typeVocab, hidden]}, {@code LayerNorm.weight/bias [hidden]}. Their arrays belong to the manager
 * that initialized or loaded them; see {@link TransformerEncoder} for closing.
 *
 * <p>Threads: as {@link TransformerEncoder}.
 */
public final class EncoderEmbeddings extends AbstractBlock {

    private static final byte VERSION = 1;

    private final EncoderConfig config;
    /** Token embedding table, {@code [vocab, hidden]}. */
    final Parameter wordEmbeddings;
    /** Absolute position table, {@code [maxPositions, hidden]}. */
    final Parameter positionEmbeddings;
    /** Segment table, {@code [typeVocab, hidden]}. */
    final Parameter tokenTypeEmbeddings;
    /** LayerNorm scale, {@code [hidden]}. */
    final Parameter layerNormWeight;
    /** LayerNorm shift, {@code [hidden]}. */
    final Parameter layerNormBias;
    /** Every parameter of this block and the blocks below it, for {@link #isInitialized()}. */
    private final List<Parameter> below;
    /** The word table's {@code padding_idx}, or -1 for none. */
    private final int wordPaddingRow;
    /** The position table's {@code padding_idx} (RoBERTa/XLM-R), or -1 for none. */
    private final int positionPaddingRow;

    EncoderEmbeddings(EncoderConfig config) {
        super(VERSION);
        this.config = config;
        // HF's embeddings have padding_idx on the word table and, for RoBERTa/XLM-R, the position table;
        // a null pad_token_id (BERT only) gives none
        wordPaddingRow = config.padTokenIdNull() ? -1 : config.padTokenId();
        positionPaddingRow = config.modelType().usesPaddingPositions() ? config.padTokenId() : -1;
        wordEmbeddings = addParameter(Params.create("word_embeddings", Parameter.Type.WEIGHT, config, wordPaddingRow));
        positionEmbeddings = addParameter(Params.create("position_embeddings", Parameter.Type.WEIGHT, config,
                positionPaddingRow));
        tokenTypeEmbeddings = addParameter(Params.create("token_type_embeddings", Parameter.Type.WEIGHT, config));
        layerNormWeight = addParameter(Params.create("LayerNorm_weight", Parameter.Type.GAMMA, config));
        layerNormBias = addParameter(Params.create("LayerNorm_bias", Parameter.Type.BETA, config));
        below = Params.below(this);
    }

    @Override
    public boolean isInitialized() {
        return Params.initialized(inputShapes, below);
    }

    /**
     * Computes RoBERTa position ids: {@code padTokenId + 1 + cumsum(ids != pad)} on real tokens and
     * {@code padTokenId} on padding (HF {@code create_position_ids_from_input_ids}).
     *
     * @param inputIds {@code [batch, seqLen]} int64
     * @param padTokenId the padding id
     * @return {@code [batch, seqLen]} int64, in the manager of {@code inputIds}
     */
    public static NDArray paddingAwarePositions(NDArray inputIds, int padTokenId) {
        NDArray notPad = EngineScalars.neq(inputIds, padTokenId).toType(DataType.INT64, false);
        return EngineScalars.add(notPad.cumSum(1).mul(notPad), padTokenId);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        Device device = ids.getDevice();
        long seqLen = ids.getShape().get(1);
        NDArray x = lookup(ids, ps.getValue(wordEmbeddings, device, training), wordPaddingRow, training);
        NDArray positionTable = ps.getValue(positionEmbeddings, device, training);
        if (config.modelType().usesPaddingPositions()) {
            NDArray positions = paddingAwarePositions(ids, config.padTokenId());
            x = x.add(lookup(positions, positionTable, positionPaddingRow, training));
        } else {
            // positions 0..seqLen-1 of every row: the table's first rows, broadcast over the batch
            // (one view instead of an arange, a reshape and a lookup), owned by the caller's manager
            x = x.add(positionTable.get(ids.getManager(), new NDIndex().addSliceDim(0, seqLen)));
        }
        NDArray typeTable = ps.getValue(tokenTypeEmbeddings, device, training);
        // without segment ids every token is of type 0: the table's first row, broadcast
        x = x.add(inputs.size() > 1 ? Embedding.embedding(inputs.get(1), typeTable, SparseFormat.DENSE).get(0)
                : typeTable.get(ids.getManager(), 0));
        x = LayerNorm.layerNorm(
                        x,
                        new Shape(config.hiddenSize()),
                        ps.getValue(layerNormWeight, device, training),
                        ps.getValue(layerNormBias, device, training),
                        config.layerNormEps())
                .get(0);
        if (training && config.hiddenDropoutProb() > 0) {
            x = FastDropout.apply(x, config.hiddenDropoutProb(), true);
        }
        return new NDList(x);
    }

    /**
     * {@code table[ids]}, whose row {@code paddingRow} takes no gradient in training, as HF's
     * {@code padding_idx} (a loss that reads padded positions, as extractive QA's does, would
     * otherwise move it); -1 for a table without one. Inference, where no gradient is taken,
     * keeps DJL's own lookup, which calls no TorchScript module.
     */
    private static NDArray lookup(NDArray ids, NDArray table, int paddingRow, boolean training) {
        return training && paddingRow >= 0 ? PaddedEmbedding.apply(ids, table, paddingRow)
                : Embedding.embedding(ids, table, SparseFormat.DENSE).get(0);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hiddenSize())};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        int h = config.hiddenSize();
        Params.prepare(wordEmbeddings, config.vocabSize(), h);
        Params.prepare(positionEmbeddings, config.maxPositionEmbeddings(), h);
        Params.prepare(tokenTypeEmbeddings, config.typeVocabSize(), h);
        Params.prepare(layerNormWeight, h);
        Params.prepare(layerNormBias, h);
    }
}
