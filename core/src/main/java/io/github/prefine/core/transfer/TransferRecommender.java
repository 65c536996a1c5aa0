package io.github.prefine.core.transfer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ranks pre-finetuning tasks and groups for a target by the cosine similarity of their task
 * embeddings with the target's (Vu et al., EMNLP 2020).
 *
 * <p>Every embedding of one method must come from one encoder ({@link TaskEmbedding#encoderHash}):
 * the cosine of vectors from two encoders' spaces means nothing.
 *
 * <p>A task's score is its cosine with the target under the one method used; with several
 * methods, each method's cosines are z-scored over the sources (their scales differ: TextEmb
 * cosines of one encoder crowd near 1) and the z-scores averaged; a method whose cosines spread (standard
 * deviation) by less than 1e-6, below what float32 embeddings resolve, ranks nothing and gives every
 * source a z-score of 0. A group's score is the mean of
 * its tasks' scores weighted by their sizes, the share each task has in a heterogeneous batch under
 * proportional sampling. Ties keep the order in which sources were added.
 *
 * <p>With {@link Builder#optCentered(boolean)}, every embedding first has the mean of the sources'
 * embeddings (per method) subtracted, so the cosine compares what sets a task apart from the pool
 * rather than what all tasks of one encoder share. TaskEmb vectors of a pretrained encoder are
 * dominated by a few large output dimensions common to every task; on the real data with MiniLM,
 * raw cosines put SL first for every target, centred ones put C first for the C targets.
 *
 * <p>Immutable after {@link Builder#build()}; thread-safe.
 */
public final class TransferRecommender {
    private final List<TransferSource> sources;
    private final Set<EmbeddingMethod> methods;
    private final Map<EmbeddingMethod, float[]> centers = new EnumMap<>(EmbeddingMethod.class);

    private TransferRecommender(Builder b) {
        this.sources = List.copyOf(b.sources);
        this.methods = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.methods));
        if (b.centered) {
            for (EmbeddingMethod m : methods) {
                int dim = sources.get(0).embeddings().get(m).dimension();
                double[] sum = new double[dim];
                for (TransferSource s : sources) {
                    float[] v = s.embeddings().get(m).values();
                    if (v.length != dim) {
                        throw new IllegalArgumentException("recommender: " + m.cliName() + " of " + s.task()
                                + " has dimension " + v.length + ", expected " + dim);
                    }
                    for (int i = 0; i < dim; i++) {
                        sum[i] += v[i];
                    }
                }
                float[] c = new float[dim];
                for (int i = 0; i < dim; i++) {
                    c[i] = (float) (sum[i] / sources.size());
                }
                centers.put(m, c);
            }
        }
    }

    /**
     * Returns whether embeddings are centred on the sources' mean before the cosine.
     *
     * @return true when centred
     */
    public boolean centered() {
        return !centers.isEmpty();
    }

    private double similarity(EmbeddingMethod m, TaskEmbedding a, TaskEmbedding b) {
        float[] c = centers.get(m);
        if (c == null) {
            return a.cosine(b);
        }
        float[] x = a.values();
        float[] y = b.values();
        for (int i = 0; i < c.length; i++) {
            x[i] -= c[i];
            y[i] -= c[i];
        }
        return io.github.prefine.eval.ranking.RankingMetrics.cosine(x, y);
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
     * Returns the methods the scores use.
     *
     * @return the methods
     */
    public Set<EmbeddingMethod> methods() {
        return methods;
    }

    /**
     * Ranks the sources and their groups for a target.
     *
     * @param target the target's name
     * @param embeddings the target's embeddings; one per method in use is required
     * @return the ranking
     * @throws IllegalArgumentException if an embedding of a method in use is missing, is of another
     *     encoder than the sources' (its cosine with theirs would mean nothing), or its dimension
     *     differs from a source's
     */
    public TransferRanking rank(String target, Map<EmbeddingMethod, TaskEmbedding> embeddings) {
        Objects.requireNonNull(target, "target");
        int n = sources.size();
        Map<EmbeddingMethod, double[]> cos = new EnumMap<>(EmbeddingMethod.class);
        for (EmbeddingMethod m : methods) {
            TaskEmbedding t = embeddings.get(m);
            if (t == null) {
                throw new IllegalArgumentException("target " + target + ": no " + m.cliName() + " embedding");
            }
            String sourcesHash = sources.get(0).embeddings().get(m).encoderHash();
            if (!t.encoderHash().equals(sourcesHash)) {
                throw new IllegalArgumentException("target " + target + ": its " + m.cliName() + " embedding is of encoder "
                        + t.encoderHash() + ", the sources' of encoder " + sourcesHash + "; embed them all with one encoder");
            }
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                TaskEmbedding s = sources.get(i).embeddings().get(m);
                if (s.dimension() != t.dimension()) {
                    throw new IllegalArgumentException("target " + target + ": " + m.cliName() + " has dimension "
                            + t.dimension() + ", source " + sources.get(i).task() + " has " + s.dimension());
                }
                c[i] = similarity(m, t, s);
            }
            cos.put(m, c);
        }
        double[] score = new double[n];
        if (methods.size() == 1) {
            score = cos.values().iterator().next().clone();
        } else {
            for (double[] c : cos.values()) {
                double[] z = zScores(c);
                for (int i = 0; i < n; i++) {
                    score[i] += z[i] / methods.size();
                }
            }
        }
        List<TransferRanking.ScoredTask> tasks = new ArrayList<>();
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            TransferSource s = sources.get(i);
            Map<EmbeddingMethod, Double> c = new EnumMap<>(EmbeddingMethod.class);
            for (EmbeddingMethod m : methods) {
                c.put(m, cos.get(m)[i]);
            }
            tasks.add(new TransferRanking.ScoredTask(s.task(), s.group(), s.size(), score[i], c));
            byGroup.computeIfAbsent(s.group(), k -> new ArrayList<>()).add(i);
        }
        List<TransferRanking.ScoredGroup> groups = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byGroup.entrySet()) {
            double w = 0;
            long size = 0;
            List<String> names = new ArrayList<>();
            for (int i : e.getValue()) {
                w += sources.get(i).size() * score[i];
                size += sources.get(i).size();
                names.add(sources.get(i).task());
            }
            groups.add(new TransferRanking.ScoredGroup(e.getKey(), w / size, names, size));
        }
        // stable sorts: ties keep insertion order
        tasks.sort(Comparator.comparingDouble(TransferRanking.ScoredTask::score).reversed());
        groups.sort(Comparator.comparingDouble(TransferRanking.ScoredGroup::score).reversed());
        return new TransferRanking(target, methods, tasks, groups);
    }

    /**
     * The spread below which a method's cosines are taken as equal: cosines are at most 1 and come
     * from float32 embeddings, which resolve about 6e-8 (half an ulp of 1f); a smaller spread is
     * rounding (multiples of one vector gave cosines 1e-16 apart), and z-scoring it would make noise
     * vote as loudly as a real ranking.
     */
    static final double FLAT_SPREAD = 1e-6;

    private static double[] zScores(double[] c) {
        double mean = 0;
        for (double v : c) {
            mean += v / c.length;
        }
        double var = 0;
        for (double v : c) {
            var += (v - mean) * (v - mean) / c.length;
        }
        double sd = Math.sqrt(var);
        double[] z = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            z[i] = sd < FLAT_SPREAD ? 0 : (c[i] - mean) / sd;
        }
        return z;
    }

    /** Builds a {@link TransferRecommender}; mutable, single-threaded. */
    public static final class Builder {
        private final List<TransferSource> sources = new ArrayList<>();
        private final Set<EmbeddingMethod> methods = new LinkedHashSet<>();
        private boolean centered;

        private Builder() {}

        /**
         * Centres every embedding on the mean of the sources' embeddings before the cosine (see
         * the class description); default false, the plain cosine of Vu et al.
         *
         * @param centered true to centre
         * @return this builder
         */
        public Builder optCentered(boolean centered) {
            this.centered = centered;
            return this;
        }

        /**
         * Adds a source task (at least one required).
         *
         * @param source the source, with an embedding for every method in use
         * @return this builder
         */
        public Builder addSource(TransferSource source) {
            sources.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * Sets the methods the scores use (required, at least one).
         *
         * @param methods the methods
         * @return this builder
         */
        public Builder setMethods(Set<EmbeddingMethod> methods) {
            this.methods.clear();
            this.methods.addAll(methods);
            return this;
        }

        /**
         * Builds the recommender.
         *
         * @return the recommender
         * @throws IllegalArgumentException if no source or method was given, a task name repeats,
         *     or a source lacks an embedding of a method in use or has one of another encoder than
         *     the first source's
         */
        public TransferRecommender build() {
            if (sources.isEmpty() || methods.isEmpty()) {
                throw new IllegalArgumentException("recommender: at least one source and one method are required");
            }
            Set<String> names = new LinkedHashSet<>();
            for (TransferSource s : sources) {
                if (!names.add(s.task())) {
                    throw new IllegalArgumentException("recommender: source " + s.task() + " is added twice");
                }
                for (EmbeddingMethod m : methods) {
                    if (!s.embeddings().containsKey(m)) {
                        throw new IllegalArgumentException("recommender: source " + s.task() + " has no "
                                + m.cliName() + " embedding");
                    }
                    TaskEmbedding first = sources.get(0).embeddings().get(m);
                    String hash = s.embeddings().get(m).encoderHash();
                    if (first != null && !hash.equals(first.encoderHash())) {
                        throw new IllegalArgumentException("recommender: the " + m.cliName() + " embedding of source "
                                + s.task() + " is of encoder " + hash + ", that of " + sources.get(0).task()
                                + " of encoder " + first.encoderHash() + "; embed them all with one encoder");
                    }
                }
            }
            return new TransferRecommender(this);
        }
    }
}
