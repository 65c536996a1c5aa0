package io.github.prefine.core.predict;

/**
 * How {@link TaskPredictor#tagTexts} splits runs of CJK ideographs into words ({@link
 * TaskPredictor#withIdeographWords}). Per-character labelled Chinese NER data (MSRA, Weibo,
 * People's Daily) tags each ideograph, so a task trained on it reads one ideograph per word;
 * word-segmented data (OntoNotes Chinese) tags words the text does not mark, which no rule here
 * finds: such a task takes its words pre-split ({@link TaskPredictor#tag}).
 */
public enum IdeographWords {
    /**
     * As the task's tokenizer reads them (the default): each ideograph a word of its own where the
     * normalizer spaces them out, as BERT's does ({@link
     * io.github.prefine.core.tokenize.SubwordTokenizer#splitsIdeographs()}); a run of them one word
     * otherwise, as XLM-R's SentencePiece tokenizer reads it.
     */
    TOKENIZER,
    /**
     * Each ideograph a word of its own, whatever the tokenizer: for an XLM-R task trained on
     * per-character labelled data, whose tokenizer would read a run of ideographs as one word.
     */
    EACH,
    /**
     * A run of ideographs one word between whitespace and punctuation, whatever the tokenizer (a
     * BERT tokenizer still reads each ideograph as a token of that word).
     */
    JOINED
}
