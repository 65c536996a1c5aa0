package io.github.prefine.core.task;

import io.github.prefine.core.data.DatasetReader;
import io.github.prefine.core.data.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a task's splits come from: one file per split, or one file held out 4:1 into train and
 * validation by a {@link io.github.prefine.core.data.SeededSplit}.
 *
 * <p>Immutable. Built with {@link #builder()}.
 */
public final class TaskSource {
    /** Group key of the hold-out: the example id (every example its own group). */
    public static final Function<Example, String> BY_ID = Example::id;
    /**
     * Group key of the hold-out for Adversarial SQuAD: the id up to its first {@code -}, so an
     * original question and its {@code -high-conf-turkN} variants stay together.
     */
    public static final Function<Example, String> BY_ID_PREFIX = e -> {
        int dash = e.id().indexOf('-');
        return dash < 0 ? e.id() : e.id().substring(0, dash);
    };

    private final Map<Split, SplitSource> splits;
    private final SplitSource holdOut;
    private final long holdOutSeed;
    private final Function<Example, String> holdOutKey;

    private TaskSource(Builder b) {
        this.splits = java.util.Collections.unmodifiableMap(new EnumMap<>(b.splits));
        this.holdOut = b.holdOut;
        this.holdOutSeed = b.holdOutSeed;
        this.holdOutKey = b.holdOutKey;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the files, one per split, in split order (empty for a hold-out source).
     *
     * @return the per-split files
     */
    public Map<Split, SplitSource> splits() {
        if (splits.isEmpty() && holdOut == null) {
            return Map.of();
        }
        return splits;
    }

    /**
     * Returns the single file split 4:1 into train and validation, if this is a hold-out source.
     *
     * @return the file (its split is {@link Split#TRAIN}), or empty
     */
    public Optional<SplitSource> holdOut() {
        return Optional.ofNullable(holdOut);
    }

    /**
     * Returns the hold-out seed.
     *
     * @return the seed (meaningful only with a hold-out)
     */
    public long holdOutSeed() {
        return holdOutSeed;
    }

    /**
     * Returns the hold-out group key.
     *
     * @return the key function (meaningful only with a hold-out)
     */
    public Function<Example, String> holdOutKey() {
        return holdOutKey;
    }

    /**
     * Returns every file this source names, hold-out first, then splits in order.
     *
     * @return the sources
     */
    public List<SplitSource> files() {
        List<SplitSource> out = new ArrayList<>();
        if (holdOut != null) {
            out.add(holdOut);
        }
        out.addAll(splits.values());
        return out;
    }

    /**
     * Returns the files missing under a data root.
     *
     * @param dataRoot the root
     * @return the absolute paths looked for and not found, in {@link #files()} order
     */
    public List<Path> missing(Path dataRoot) {
        List<Path> out = new ArrayList<>();
        for (SplitSource s : files()) {
            Path p = resolve(dataRoot, s);
            if (!Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Resolves a source file under a data root.
     *
     * @param dataRoot the root
     * @param s the source
     * @return the absolute, normalised path
     * @throws IllegalArgumentException if the path leads out of the root ({@link SplitSource#leavesRoot})
     */
    public static Path resolve(Path dataRoot, SplitSource s) {
        if (SplitSource.leavesRoot(s.path())) {
            // Task.build refuses such a file naming its task; a source used without a task is refused here
            throw new IllegalArgumentException(outsideRoot(s.path()));
        }
        return dataRoot.resolve(s.path()).toAbsolutePath().normalize();
    }

    /** Why a task file that leads out of the data root is refused, and what to do instead. */
    static String outsideRoot(String path) {
        return "'" + path + "' leads out of the data root: a task file's path is relative to the data root given to"
                + " Task.load, and its '..' segments may not climb above it; put the file under the data root, or give"
                + " a root that holds it";
    }

    /** Builder for {@link TaskSource}; mutable and single-threaded. */
    public static final class Builder {
        private final Map<Split, SplitSource> splits = new EnumMap<>(Split.class);
        private SplitSource holdOut;
        private long holdOutSeed;
        private Function<Example, String> holdOutKey = BY_ID;

        private Builder() {}

        /**
         * Adds the file of one split.
         *
         * @param split the split
         * @param path relative to the data root
         * @param reader its reader
         * @return this builder
         */
        public Builder add(Split split, String path, DatasetReader<?> reader) {
            SplitSource s = new SplitSource(split, path, reader);
            if (splits.putIfAbsent(split, s) != null) {
                throw new IllegalArgumentException("split " + split + " is already given by " + splits.get(split).path());
            }
            return this;
        }

        /**
         * Declares a one-file dataset split 4:1 into train and validation.
         *
         * @param path relative to the data root
         * @param reader its reader
         * @param seed the split seed, for example {@link io.github.prefine.core.data.SeededSplit#DEFAULT_SEED}
         * @param groupKey examples with one key stay on one side, for example {@link #BY_ID}
         * @return this builder
         */
        public Builder optHoldOut(String path, DatasetReader<?> reader, long seed, Function<Example, String> groupKey) {
            this.holdOut = new SplitSource(Split.TRAIN, path, reader);
            this.holdOutSeed = seed;
            this.holdOutKey = Objects.requireNonNull(groupKey, "groupKey");
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalStateException if it names no file, or a hold-out together with a train or
         *     validation file
         */
        public TaskSource build() {
            if (splits.isEmpty() && holdOut == null) {
                throw new IllegalStateException("a task source needs at least one file");
            }
            if (holdOut != null && (splits.containsKey(Split.TRAIN) || splits.containsKey(Split.VALIDATION))) {
                throw new IllegalStateException("a hold-out provides train and validation; found extra files for them");
            }
            return new TaskSource(this);
        }
    }
}
