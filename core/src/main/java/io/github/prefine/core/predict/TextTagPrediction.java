package io.github.prefine.core.predict;

import java.util.List;
import java.util.Objects;

/**
 * A sequence-labelling task's prediction for one raw text ({@link TaskPredictor#tagTexts}): the
 * words the text was split into with their tags and offsets, and the entities with theirs.
 * Each carries two pairs of offsets into {@link #text()}, end exclusive: {@code start} and {@code
 * end} are Java {@code char} (UTF-16) indices, as {@code QaAnswer}'s are, so that {@code
 * text().substring(start, end)} is the word or entity, with an emoji before it too, and no offset
 * falls inside a surrogate pair; {@code codePointStart} and {@code codePointEnd} count code points,
 * as Python slices a {@code str} and as the {@code predict} command writes them. The two differ by
 * one for each character beyond the Basic Multilingual Plane before the offset (an emoji, an
 * ideograph of Extension B on such as U+20000).
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
     * @param codePointStart the word's first code point: {@code codePointCount(0, start)} of the
     *     prediction's text
     * @param codePointEnd the code point after the word's last: {@code codePointCount(0, end)} of
     *     the prediction's text
     */
    public record Word(String text, String tag, int start, int end, int codePointStart, int codePointEnd) {
    }

    /**
     * One entity of the text.
     *
     * @param type the entity type, such as {@code PER}
     * @param text the entity, {@code text().substring(start, end)} of the prediction's text
     * @param start the entity's first char
     * @param end the char after the entity's last
     * @param codePointStart the entity's first code point: {@code codePointCount(0, start)} of the
     *     prediction's text
     * @param codePointEnd the code point after the entity's last: {@code codePointCount(0, end)} of
     *     the prediction's text
     */
    public record Entity(String type, String text, int start, int end, int codePointStart, int codePointEnd) {
    }
}
