package io.github.prefine.heads;

/**
 * The encoder family whose Hugging Face head layout a head reproduces.
 *
 * <p>The family decides the layout only where HF's families differ: a sequence classifier is
 * {@code RobertaClassificationHead} for {@link #ROBERTA} and pooler + classifier for {@link
 * #BERT}, and a multiple-choice head reads the pooler under the family's key prefix.
 * XLM-RoBERTa checkpoints use the {@link #ROBERTA} layout and key prefix.
 *
 * <p>Immutable and thread-safe.
 */
public enum HeadFamily {
    /** BERT: pooled {@code [CLS]} (dense + tanh), keys under {@code bert.}. */
    BERT("bert"),
    /** RoBERTa and XLM-RoBERTa: classification head on {@code <s>}, keys under {@code roberta.}. */
    ROBERTA("roberta");

    private final String hfPrefix;

    HeadFamily(String hfPrefix) {
        this.hfPrefix = hfPrefix;
    }

    /**
     * Returns the attribute name HF gives the encoder in this family's task models, which
     * prefixes the encoder's (and its pooler's) checkpoint keys.
     *
     * @return {@code "bert"} or {@code "roberta"}
     */
    public String hfPrefix() {
        return hfPrefix;
    }
}
