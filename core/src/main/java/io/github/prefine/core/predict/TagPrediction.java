package io.github.prefine.core.predict;

import io.github.prefine.eval.metrics.Span;
import java.util.List;
import java.util.Objects;

/**
 * A sequence-labelling task's prediction for one sentence: one tag per word and the entities
 * those tags make.
 *
 * <p>Immutable and thread-safe.
 *
 * @param words the sentence's words, as given
 * @param tags one tag per word, from the word's first sub-token (as the evaluation predicts them)
 * @param entities the entities in the tags as seqeval's default mode reads them ({@link
 *     io.github.prefine.eval.metrics.SpanExtractor#lenient}), a label without a {@code B-}/{@code
 *     I-}/{@code E-}/{@code S-} prefix (other than {@code O}, such as HF's {@code LABEL_k}) read as
 *     {@code I-} of itself, so that it types its entities whole, as HF's pipeline does; each span's {@code sentence} is the
 *     sentence's index in the predicted list, {@code start} and {@code end} (exclusive) are word
 *     indices
 * @param wordsCut how many words at the end of the sentence lie beyond the task's {@code
 *     maxLength}: the model did not read them, and they are tagged {@code O}; 0 when it read all
 */
public record TagPrediction(List<String> words, List<String> tags, List<Span> entities, int wordsCut) {
    /**
     * Checks that every word has a tag and copies the lists.
     *
     * @param words the sentence's words
     * @param tags one tag per word
     * @param entities the entities in the tags
     * @param wordsCut the words at the end beyond the task's maxLength
     * @throws IllegalArgumentException if the word and tag counts differ, or {@code wordsCut} is
     *     negative or more than the words
     */
    public TagPrediction {
        words = List.copyOf(words);
        tags = List.copyOf(tags);
        entities = List.copyOf(Objects.requireNonNull(entities, "entities"));
        if (words.size() != tags.size()) {
            throw new IllegalArgumentException(words.size() + " words but " + tags.size() + " tags");
        }
        if (wordsCut < 0 || wordsCut > words.size()) {
            throw new IllegalArgumentException("wordsCut must be in [0, " + words.size() + "], found " + wordsCut);
        }
    }

    /**
     * Returns an entity's words joined by single spaces, as the {@code predict} command writes an
     * entity's {@code text}: the words as given, so their spacing in a raw text is the caller's to
     * keep.
     *
     * @param entity one of {@link #entities()}, or any span over these words
     * @return the words from {@code entity.start()} to {@code entity.end()} (exclusive)
     * @throws IllegalArgumentException if the span lies outside the words or is empty
     */
    public String entityText(Span entity) {
        if (entity.start() < 0 || entity.end() > words.size() || entity.start() >= entity.end()) {
            throw new IllegalArgumentException("span [" + entity.start() + ", " + entity.end() + ") is outside the"
                    + " sentence's " + words.size() + " words");
        }
        return String.join(" ", words.subList(entity.start(), entity.end()));
    }
}
