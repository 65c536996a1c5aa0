package io.github.prefine.core.task;

import io.github.prefine.core.data.ReadProgress;
import io.github.prefine.core.features.FeaturizationListener;
import java.util.function.LongConsumer;

/**
 * One split's read reports to a {@link FeaturizationListener}, in the steps {@link
 * FeaturizationListener#onRead} documents, fed the byte counts of the reader's reads. Mutable,
 * single-threaded.
 */
final class ReadSteps implements LongConsumer {
    private final FeaturizationListener listener;
    private final String name;
    private final long total;
    private long done;
    private long reported;

    /** Starts the steps and reports 0 done of {@code total} bytes. */
    ReadSteps(FeaturizationListener listener, String name, long total) {
        this.listener = listener;
        this.name = name;
        this.total = total;
        listener.onRead(new ReadProgress(name, 0, total));
    }

    /** Counts one read's bytes; reports once a step more than the last report has been read. */
    @Override
    public void accept(long bytes) {
        done += bytes;
        // a file that grew while it was read must not report past its total before the end
        if (done - reported >= ReadProgress.STEP_BYTES && done < total) {
            reported = done;
            listener.onRead(new ReadProgress(name, done, total));
        }
    }

    /** Reports the total, unless it was reported already (an empty file's 0 at the start). */
    void finish() {
        if (reported < total) {
            reported = total;
            listener.onRead(new ReadProgress(name, total, total));
        }
    }
}
