package io.github.prefine.core.predict;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.event.Level;

/**
 * The examples of one {@link TaskPredictor} call's inputs that passed the call's checks, each with
 * its input's index, and then those the task's featurizer skipped. Refused inputs go to the call's
 * {@code onRefused}, or, without one, the first is thrown.
 *
 * <p>Confined to one call: not thread-safe.
 */
final class AdmittedInputs {
    /** The call's input count. */
    final int inputs;
    final List<Example> examples = new ArrayList<>();
    private final int[] inputOf;
    private final Consumer<? super RefusedInputException> onRefused;
    private boolean[] skipped;

    AdmittedInputs(int inputs, Consumer<? super RefusedInputException> onRefused) {
        this.inputs = inputs;
        this.inputOf = new int[inputs];
        this.onRefused = onRefused;
    }

    /** Adds an input's example, or refuses the input when making it throws. */
    void add(int input, Supplier<Example> example) {
        try {
            inputOf[examples.size()] = input;
            examples.add(example.get());
        } catch (RefusedInputException e) {
            refuse(e);
        }
    }

    /** Passes a refusal to the call's {@code onRefused}, or without one throws it. */
    void refuse(RefusedInputException e) {
        if (onRefused == null) {
            throw e;
        }
        onRefused.accept(e);
    }

    /** The input index of the example at {@code e}. */
    int input(int e) {
        return inputOf[e];
    }

    boolean refusedByFeaturizer(int e) {
        return skipped != null && skipped[e];
    }

    /**
     * Featurizes with the task's own featurizer once; an input it skips is refused with its reason,
     * and the others keep their features, so that a refused input costs no second featurization.
     */
    Features featurize(SavedTask task, SubwordTokenizer tokenizer) {
        Features f = featurize(task, tokenizer, examples);
        FeatureReport report = f.report();
        if (report.skippedCount() == 0) {
            return f;
        }
        if (onRefused == null) {
            String first = report.skippedIds().get(0);
            throw new RefusedInputException(task.name(), Integer.parseInt(first),
                    withNumbers(task, tokenizer, reason(task, tokenizer, report, first, null), exampleOf(first)),
                    " (" + report.skippedCount() + " of " + examples.size() + " inputs refused)");
        }
        skipped = new boolean[examples.size()];
        int e = 0;
        for (String id : report.skippedIds()) {
            while (!examples.get(e).id().equals(id)) {
                e++;
            }
            skipped[e] = true;
            refuse(new RefusedInputException(task.name(), Integer.parseInt(id),
                    withNumbers(task, tokenizer, reason(task, tokenizer, report, id, examples.get(e)), examples.get(e)),
                    ""));
        }
        return f;
    }

    private static Features featurize(SavedTask task, SubwordTokenizer tokenizer, List<Example> examples) {
        try {
            // DEBUG: a server predicting per request would otherwise log a line per request
            return task.format().featurize(examples, task.labels(), tokenizer, task.settings(), task.name() + "/predict",
                    FeaturizationListener.NONE, Level.DEBUG);
        } catch (IOException e) {
            throw new UncheckedIOException("predictor: task " + task.name() + ": the tokenizer failed", e);
        }
    }

    private Example exampleOf(String id) {
        for (Example e : examples) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalStateException("no example " + id);
    }

    /**
     * The reason with what a caller needs to act on it: for a question without room for its
     * context, the featurizer's one reason (shared by every example it counts) gets this question's
     * tokens, the window, its special tokens and the stride.
     */
    private static String withNumbers(SavedTask task, SubwordTokenizer tokenizer, String reason, Example example) {
        if (!reason.equals(QaFeaturizer.NO_ROOM) || !(example instanceof QaExample qa)
                || tokenizer.specialTokenLayout().isEmpty()) {
            return reason;
        }
        // the question as featurized: leading whitespace (a token of its own for Metaspace) is gone
        int q = tokenizer.encodePieces(List.of(QaFeaturizer.lstrip(qa.question())), false).length(0);
        int added = tokenizer.specialTokenLayout().get().pairAdded();
        int window = task.settings().qaMaxLength();
        int stride = task.settings().qaStride();
        return reason + ": the question is " + q + " tokens, and a window of " + window + " with its " + added
                + " special tokens leaves the context " + Math.max(0, window - q - added) + ", not more than the stride "
                + stride + "; expected a question of at most " + Math.max(0, window - added - stride - 1)
                + " tokens, a longer QA max length or a shorter stride";
    }

    /**
     * Why the featurizer skipped an example: its reason's samples name the first few of each
     * reason; past them, with several reasons, the example alone is featurized again for its own.
     */
    private static String reason(SavedTask task, SubwordTokenizer tokenizer, FeatureReport report, String id,
            Example example) {
        for (Map.Entry<String, List<String>> e : report.skippedSamples().entrySet()) {
            if (e.getValue().contains(id)) {
                return e.getKey();
            }
        }
        if (report.skipped().size() == 1 || example == null) {
            return report.skipped().keySet().iterator().next();
        }
        return reason(task, tokenizer, featurize(task, tokenizer, List.of(example)).report(), id, null);
    }
}
