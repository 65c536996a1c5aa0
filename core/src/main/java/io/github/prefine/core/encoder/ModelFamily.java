package io.github.prefine.core.encoder;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The HF encoder families this encoder reproduces, keyed by the {@code model_type} of
 * {@code config.json}.
 *
 * <p>They share one architecture (post-LN BERT layers); RoBERTa and XLM-R differ only in how
 * position ids are counted (from the padding index, skipping padding).
 *
 * <p>Immutable and thread-safe.
 */
public enum ModelFamily {
    /** BERT: positions counted from 0; checkpoints with heads prefix encoder keys with {@code bert.}. */
    BERT("bert", "BertModel", "bert", false, 0),
    /** RoBERTa: positions from {@code pad_token_id + 1}; head checkpoints use {@code roberta.}. */
    ROBERTA("roberta", "RobertaModel", "roberta", true, 1),
    /** XLM-RoBERTa: RoBERTa's architecture with a larger vocabulary; prefix {@code roberta.}. */
    XLM_ROBERTA("xlm-roberta", "XLMRobertaModel", "roberta", true, 1);

    private final String modelType;
    private final String architecture;
    private final String checkpointPrefix;
    private final boolean paddingPositions;
    private final int defaultPadTokenId;

    ModelFamily(String modelType, String architecture, String checkpointPrefix, boolean paddingPositions, int defaultPadTokenId) {
        this.modelType = modelType;
        this.architecture = architecture;
        this.checkpointPrefix = checkpointPrefix;
        this.paddingPositions = paddingPositions;
        this.defaultPadTokenId = defaultPadTokenId;
    }

    /**
     * Returns the {@code model_type} string of {@code config.json}.
     *
     * @return for example {@code xlm-roberta}
     */
    public String modelType() {
        return modelType;
    }

    /**
     * Returns the HF class name of the bare encoder, written to {@code architectures}.
     *
     * @return for example {@code XLMRobertaModel}
     */
    public String architecture() {
        return architecture;
    }

    /**
     * Returns the attribute name under which HF task models hold the encoder.
     *
     * @return {@code bert} or {@code roberta}, without the dot
     */
    public String checkpointPrefix() {
        return checkpointPrefix;
    }

    /**
     * Tells whether position ids count from {@code pad_token_id + 1} over non-padding tokens
     * (HF {@code create_position_ids_from_input_ids}) rather than from 0.
     *
     * @return true for RoBERTa and XLM-R
     */
    public boolean usesPaddingPositions() {
        return paddingPositions;
    }

    /**
     * Returns the HF default {@code pad_token_id} of the family.
     *
     * @return 0 for BERT, 1 for RoBERTa and XLM-R
     */
    public int defaultPadTokenId() {
        return defaultPadTokenId;
    }

    /**
     * Looks a family up by its {@code model_type}.
     *
     * @param modelType the {@code model_type} value
     * @return the family
     * @throws IllegalArgumentException naming the type and the supported ones if unknown
     */
    public static ModelFamily fromModelType(String modelType) {
        for (ModelFamily f : values()) {
            if (f.modelType.equals(modelType)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "model_type \"" + modelType + "\" is not supported; supported: "
                        + Arrays.stream(values()).map(ModelFamily::modelType).collect(Collectors.joining(", ")));
    }
}
