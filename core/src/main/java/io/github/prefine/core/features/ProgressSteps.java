package io.github.prefine.core.features;

/**
 * One featurization's reports to its {@link FeaturizationListener}, in the steps that interface
 * documents: each count once, never backwards, the last one the total. Mutable, single-threaded.
 */
final class ProgressSteps {
    private final FeaturizationListener listener;
    private final String name;
    private final int total;
    private int reported = -1;

    /** Starts the steps and reports 0 done. */
    ProgressSteps(FeaturizationListener listener, String name, int total) {
        this.listener = listener;
        this.name = name;
        this.total = total;
        report(0);
    }

    /** Reports {@code done} examples, unless that count (or a later one) was reported already. */
    void report(int done) {
        if (done > reported) {
            reported = done;
            listener.onFeaturization(new FeaturizationProgress(name, done, total));
        }
    }

    /** Reports the total, unless it was reported already. */
    void finish() {
        report(total);
    }
}
