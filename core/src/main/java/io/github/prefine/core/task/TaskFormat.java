package io.github.prefine.core.task;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;

/**
 * The input/output shape of a task, which decides its example type and its head.
 *
 * <p>A closed family: {@link SequenceClassification} (one text or a pair), {@link
 * TokenClassification}, {@link ExtractiveQa} and {@link MultipleChoice}.
 */
public sealed interface TaskFormat {
    /** A single text classified as a whole. */
    TaskFormat SINGLE_TEXT = new SequenceClassification(false);
    /** A text pair classified as a whole. */
    TaskFormat TEXT_PAIR = new SequenceClassification(true);
    /** One tag per word. */
    TaskFormat TOKEN = new TokenClassification();
    /** An answer span in a context. */
    TaskFormat QA = new ExtractiveQa();
    /** One of two choices (COPA). */
    TaskFormat CHOICE = new MultipleChoice(2);

    /**
     * Returns the example type this format reads.
     *
     * @return the example class
     */
    Class<? extends Example> exampleType();

    /**
     * Sequence classification of one text or a pair.
     *
     * @param pair true for text pairs
     */
    record SequenceClassification(boolean pair) implements TaskFormat {
        @Override
        public Class<TextExample> exampleType() {
            return TextExample.class;
        }
    }

    /** Token classification (sequence labelling). */
    record TokenClassification() implements TaskFormat {
        @Override
        public Class<TokenExample> exampleType() {
            return TokenExample.class;
        }
    }

    /** Extractive question answering. */
    record ExtractiveQa() implements TaskFormat {
        @Override
        public Class<QaExample> exampleType() {
            return QaExample.class;
        }
    }

    /**
     * Multiple choice among a fixed number of choices.
     *
     * @param choices the number of choices, at least 2
     */
    record MultipleChoice(int choices) implements TaskFormat {
        /** Checks the choice count. */
        public MultipleChoice {
            if (choices < 2) {
                throw new IllegalArgumentException("choices must be at least 2, found " + choices);
            }
        }

        @Override
        public Class<ChoiceExample> exampleType() {
            return ChoiceExample.class;
        }
    }
}
