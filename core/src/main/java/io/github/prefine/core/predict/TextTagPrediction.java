package io.github.prefine.core.predict;

import java.util.List;
import java.util.Objects;

/**
 * A sequence-labelling task's prediction for one raw text ({@link TaskPredictor#tagTexts}): the
 * words the text was split into with their tags and char offsets, and the entities with theirs.
 * Offsets are Java {@code char} indices into {@link #text()}, end exclusive, as {@code QaAnswer}'s
 * are, so that {@code text().substring(start, end)} is the word or entity, with an emoji before it
 * too; no offset falls inside a surrogate pair.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the text, as given
 * @param words the words the text was split into, in order, each with its tag
 * @param entities the entities, in order, each the text from its first word's start to its last
 *     word's end, so that the spacing between its words is the text's own
 * @param prediction the word-level prediction over the same words, as {@link TaskPredictor#tag}
 *     gives it: its entities' word indices and {@link TagPrediction#wordsCut()}; its words are
 *     those of {@code words}, less the control characters U+000B, U+000C and U+001C to U+001F
 *     inside them, which {@code tag} refuses as whitespace and BERT's tokenizer removes
 */
public record TextTagPrediction(String text, List<Word> words, List<Entity> entities, TagPrediction prediction) {
    /**
     * Copies the lists.
     *
     * @param text the text
     * @param words the words with their tags
     * @param entities the entities
     * @param prediction the word-level prediction
     * @throws IllegalArgumentException if the word counts of {@code words} and {@code prediction} differ
     */
    public TextTagPrediction {
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
        entities = List.copyOf(entities);
        if (words.size() != prediction.words().size()) {
            throw new IllegalArgumentException(words.size() + " words but a prediction over "
                    + prediction.words().size());
        }
    }

    /**
     * Returns how many words at the end of the text lie beyond the task's {@code maxLength}: the
     * model did not read them, and they are tagged {@code O}.
     *
     * @return {@link TagPrediction#wordsCut()} of {@link #prediction()}
     */
    public int wordsCut() {
        return prediction.wordsCut();
    }

    /**
     * One word of the text.
     *
     * @param text the word, {@code text().substring(start, end)} of the prediction's text
     * @param tag the word's tag
     * @param start the word's first char
     * @param end the char after the word's last
     */
    public record Word(String text, String tag, int start, int end) {
    }

    /**
     * One entity of the text.
     *
     * @param type the entity type, such as {@code PER}
     * @param text the entity, {@code text().substring(start, end)} of the prediction's text
     * @param start the entity's first char
     * @param end the char after the entity's last
     */
    public record Entity(String type, String text, int start, int end) {
    }
}
