package io.github.prefine.sampling;

/**
 * Deterministic per-batch task counts for {@link SamplingStrategy#STRATIFIED} epochs.
 *
 * <p>With N examples, batch size B, K' = N / B full batches and a last partial batch of s = N mod B
 * examples (when s &gt; 0), every task i must appear n<sub>i</sub> times in the epoch, and each
 * batch of size b must hold c<sub>i</sub> with |c<sub>i</sub> &minus; b&middot;n<sub>i</sub>/N| &lt; 1,
 * that is the floor or the ceiling of its quota. The matrix-rounding lemma says such counts exist
 * because all row and column sums are integers; this class builds them in three steps:
 *
 * <ol>
 *   <li>The last partial batch takes floor(s&middot;n<sub>i</sub>/N) per task plus one for the tasks
 *       with the largest remainders (largest-remainder method, ties to the lower task index).
 *   <li>Every full batch takes f<sub>i</sub> = floor(B&middot;n<sub>i</sub>/N) per task, which leaves
 *       R = B &minus; &Sigma;f<sub>i</sub> extra slots per batch and E<sub>i</sub> = n<sub>i</sub>
 *       &minus; K'&middot;f<sub>i</sub> &minus; last<sub>i</sub> extras owed to task i over the epoch;
 *       0 &le; E<sub>i</sub> &le; K' and &Sigma;E<sub>i</sub> = K'&middot;R follow from the quotas.
 *   <li>Full batch k hands its R extras to R distinct tasks: first every task whose remaining debt
 *       equals the number of remaining full batches (it cannot wait), then the tasks with the largest
 *       lag k&middot;E<sub>i</sub>/K' &minus; given<sub>i</sub> (ties to the lower index). This keeps
 *       the invariant 0 &le; debt<sub>i</sub> &le; remaining batches, so the epoch ends with exactly
 *       n<sub>i</sub> per task, and spreads each task's extras evenly through the epoch.
 * </ol>
 *
 * <p>The per-batch bound is guaranteed by construction. The spread is a heuristic: in the property
 * tests each task's cumulative count after every batch stays within 2 of its running quota, which
 * is tested, not proven.
 *
 * <p>The counts depend only on the sizes and B, never on the seed. Each call to {@link
 * #nextCounts(int[])} costs O(R&middot;tasks). Not thread-safe: one instance per iterator.
 */
final class StratifiedApportionment {
    private final int[] floors;
    private final long[] extrasOwed;
    private final int[] lastCounts;
    private final int extrasPerBatch;
    private final int fullBatches;
    private final int lastSize;
    private final long[] given;
    private final boolean[] picked;
    private int batch;

    /**
     * Plans an epoch.
     *
     * @param sizes the task sizes n<sub>i</sub>, all positive
     * @param batchSize B, positive
     */
    StratifiedApportionment(int[] sizes, int batchSize) {
        int tasks = sizes.length;
        long total = 0;
        for (int n : sizes) {
            total += n;
        }
        fullBatches = (int) (total / batchSize);
        lastSize = (int) (total % batchSize);
        floors = new int[tasks];
        int floorSum = 0;
        for (int i = 0; i < tasks; i++) {
            floors[i] = (int) ((long) batchSize * sizes[i] / total);
            floorSum += floors[i];
        }
        extrasPerBatch = batchSize - floorSum;
        lastCounts = largestRemainder(sizes, lastSize, total);
        extrasOwed = new long[tasks];
        long owedSum = 0;
        for (int i = 0; i < tasks; i++) {
            extrasOwed[i] = sizes[i] - (long) fullBatches * floors[i] - lastCounts[i];
            owedSum += extrasOwed[i];
            if (extrasOwed[i] < 0 || extrasOwed[i] > fullBatches) {
                throw new AssertionError("stratified plan: task " + i + " owes " + extrasOwed[i]
                        + " extras over " + fullBatches + " batches");
            }
        }
        if (owedSum != (long) fullBatches * extrasPerBatch) {
            throw new AssertionError("stratified plan: extras sum " + owedSum + ", expected "
                    + (long) fullBatches * extrasPerBatch);
        }
        given = new long[tasks];
        picked = new boolean[tasks];
    }

    /**
     * Returns the number of batches of the epoch, the last partial one included.
     *
     * @return K' plus one if a partial batch exists
     */
    int batchCount() {
        return fullBatches + (hasPartialBatch() ? 1 : 0);
    }

    /**
     * Returns the number of full batches.
     *
     * @return K'
     */
    int fullBatchCount() {
        return fullBatches;
    }

    /**
     * Tells whether the epoch ends with a partial batch.
     *
     * @return true when N is not a multiple of B
     */
    boolean hasPartialBatch() {
        return lastSize > 0;
    }

    /**
     * Writes the per-task counts of the next batch and advances.
     *
     * @param out receives one count per task
     * @return the size of the batch
     * @throws IllegalStateException if the epoch has no batch left
     */
    int nextCounts(int[] out) {
        if (batch < fullBatches) {
            fullBatchCounts(out);
            batch++;
            int size = 0;
            for (int c : out) {
                size += c;
            }
            return size;
        }
        if (batch == fullBatches && hasPartialBatch()) {
            batch++;
            System.arraycopy(lastCounts, 0, out, 0, out.length);
            int size = 0;
            for (int c : out) {
                size += c;
            }
            return size;
        }
        throw new IllegalStateException("stratified plan: no batch left after " + batch);
    }

    private void fullBatchCounts(int[] out) {
        int tasks = floors.length;
        long k = batch + 1L;
        long remaining = fullBatches - batch;
        int count = 0;
        for (int i = 0; i < tasks; i++) {
            out[i] = floors[i];
            picked[i] = extrasOwed[i] - given[i] == remaining;
            if (picked[i]) {
                count++;
            }
        }
        while (count < extrasPerBatch) {
            int best = -1;
            long bestLag = Long.MIN_VALUE;
            for (int i = 0; i < tasks; i++) {
                if (picked[i] || extrasOwed[i] == given[i]) {
                    continue;
                }
                // lag scaled by K' to stay in exact integer arithmetic
                long lag = k * extrasOwed[i] - fullBatches * given[i];
                if (lag > bestLag) {
                    bestLag = lag;
                    best = i;
                }
            }
            picked[best] = true;
            count++;
        }
        for (int i = 0; i < tasks; i++) {
            if (picked[i]) {
                out[i]++;
                given[i]++;
            }
        }
    }

    /**
     * Splits {@code batch} slots over tasks in proportion to their sizes by largest remainder.
     *
     * @param sizes the task sizes
     * @param batch the number of slots
     * @param total the sum of the sizes
     * @return floor or ceiling of each quota {@code batch * n_i / total}, summing to {@code batch}
     */
    static int[] largestRemainder(int[] sizes, int batch, long total) {
        int tasks = sizes.length;
        int[] counts = new int[tasks];
        long[] remainders = new long[tasks];
        int assigned = 0;
        for (int i = 0; i < tasks; i++) {
            long scaled = (long) batch * sizes[i];
            counts[i] = (int) (scaled / total);
            remainders[i] = scaled % total;
            assigned += counts[i];
        }
        boolean[] bumped = new boolean[tasks];
        for (int left = batch - assigned; left > 0; left--) {
            int best = -1;
            for (int i = 0; i < tasks; i++) {
                if (!bumped[i] && (best < 0 || remainders[i] > remainders[best])) {
                    best = i;
                }
            }
            bumped[best] = true;
            counts[best]++;
        }
        return counts;
    }
}
