package io.github.prefine.core.task;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.FeaturizationListener;
import io.github.prefine.core.features.PaddedBatch;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.features.TokenClassificationFeaturizer;
import io.github.prefine.core.head.HeadAdapter;
import io.github.prefine.core.head.HeadLabels;
import io.github.prefine.core.head.TaskHead;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.EvaluationResult;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.internal.CodePointOrder;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.eval.metrics.Span;
import io.github.prefine.eval.metrics.SpanExtractor;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.heads.TokenClassificationHead;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.event.Level;

/**
 * Token classification (sequence labelling): one tag per word, learned on each word's first
 * sub-token by {@link TokenClassificationHead}; scored with seqeval's entity F1 on the arg-max tag
 * of each word's first sub-token, words cut off by truncation and sentences the featurizer
 * skipped being predicted {@code O}; a word without sub-tokens inside a predicted entity is
 * predicted {@code I-} of it, else {@code O}.
 *
 * <p>Immutable and thread-safe.
 */
public record TokenClassification() implements TaskFormat {

    @Override
    public String label() {
        return "token";
    }

    /** Scores {@link #score} computes from entity spans, as seqeval. */
    @Override
    public Set<MetricType> metrics() {
        return EnumSet.of(MetricType.SPAN_F1);
    }
    @Override
    public Class<TokenExample> exampleType() {
        return TokenExample.class;
    }

    @Override
    public boolean hasLabelSet() {
        return true;
    }

    @Override
    public List<String> labelsOf(Example example) {
        return exampleType().cast(example).tags();
    }

    /**
     * Returns the entity type of each mention in a tag sequence, which the label counts count
     * ({@link TaskData#labelCounts}): the entities of seqeval's default mode ({@link
     * SpanExtractor#lenient}), so that what is counted is what is scored. A tag starts a mention at
     * {@code B-}/{@code S-}, after {@code O}, after another type or after an {@code E-}/{@code S-},
     * so IOB1 data (mostly {@code I-}) counts as IOB2; a tag without a prefix and a type (a declared
     * {@code X}) counts as seqeval reads it, of type {@code _}.
     */
    static List<String> mentionTypes(List<String> tags) {
        return SpanExtractor.lenient(List.of(tags)).stream().map(Span::type).toList();
    }

    /**
     * Whether a tag other than {@code O} is {@code B-}, {@code I-}, {@code E-} or {@code S-} and an
     * entity type, as {@code B-PER}: what {@link #labelSet} learns a type from. Another prefix
     * (BILOU's {@code U-}, a lower-case {@code b-}) would give a label set without the tag itself,
     * and seqeval warns on it as on {@code X}.
     */
    private static boolean hasPrefixAndType(String tag) {
        return tag.length() > 2 && tag.charAt(1) == '-' && "BIES".indexOf(tag.charAt(0)) >= 0;
    }

    /** Why a tag cannot be learned, and what was expected. */
    private static String malformed(String tag) {
        return "tag '" + tag + "' is not O and has no prefix B-, I-, E- or S- and entity type: expected O or B-, I-,"
                + " E- or S- and an entity type, such as B-PER or I-PER (E-PER, S-PER in BIOES); seqeval's default mode"
                + " would only warn that it seems not to be an NE tag, and no learned tag set holds it";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a tag is neither {@code O} nor {@code B-}, {@code I-},
     *     {@code E-} or {@code S-} and a type (a custom reader's {@code X}, {@code B-}, {@code I} or
     *     BILOU's {@code U-PER}), naming the example and the tag
     */
    @Override
    public List<String> learnLabels(Collection<? extends List<? extends Example>> splits) {
        for (List<? extends Example> split : splits) {
            for (Example e : split) {
                for (String tag : labelsOf(e)) {
                    if (!tag.equals("O") && !hasPrefixAndType(tag)) {
                        throw new IllegalArgumentException("example " + e.id() + ": " + malformed(tag));
                    }
                }
            }
        }
        return TaskFormat.super.learnLabels(splits);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Tags: {@code O} first, then {@code B-T} for every entity type {@code T} seen (by code point),
     * then {@code I-T} (and {@code E-T}, {@code S-T} when the data is BIOES), so {@code I-T} is
     * known whenever {@code B-T} is.
     *
     * @throws IllegalArgumentException if a tag is neither {@code O} nor {@code B-}, {@code I-},
     *     {@code E-} or {@code S-} and a type, naming it
     */
    @Override
    public List<String> labelSet(Collection<String> seen) {
        TreeSet<String> types = new TreeSet<>(CodePointOrder.ORDER);
        boolean bioes = false;
        for (String t : seen) {
            if (!t.equals("O")) {
                if (!hasPrefixAndType(t)) {
                    throw new IllegalArgumentException(malformed(t));
                }
                types.add(t.substring(2));
                bioes |= t.startsWith("E-") || t.startsWith("S-");
            }
        }
        List<String> out = new ArrayList<>();
        out.add("O");
        for (String prefix : bioes ? List.of("B-", "I-", "E-", "S-") : List.of("B-", "I-")) {
            for (String type : types) {
                out.add(prefix + type);
            }
        }
        return out;
    }

    @Override
    public int numClasses(List<String> labels) {
        return labels.size();
    }

    @Override
    public Features featurize(List<Example> examples, List<String> labels, SubwordTokenizer tokenizer,
            FeatureSettings settings, String name, FeaturizationListener listener, Level reportLevel)
            throws IOException {
        return TokenClassificationFeaturizer.builder().setTokenizer(tokenizer).setLabels(labels)
                .optMaxLength(settings.maxLength()).optName(name).optListener(listener).optReportLevel(reportLevel).build()
                .featurize(Formats.typed(examples, TokenExample.class, this));
    }

    @Override
    public TaskHead newHead(int numClasses, HeadFamily family, long seed) {
        return HeadAdapter.of(toString(), numClasses, (hidden, range, dropout, hiddenDropout) -> TokenClassificationHead.builder()
                .setHiddenSize(hidden).setNumLabels(numClasses).optSeed(seed).optInitializerRange(range)
                .optDropout(dropout).build(), HeadAdapter.classes());
    }

    /** {@inheritDoc} Token labels are {@code [examples, seqLen]}, ignored on padding. */
    @Override
    public HeadLabels batchLabels(PaddedBatch batch) {
        long[] l = batch.labels();
        int[] out = new int[l.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) l[i];
        }
        return new HeadLabels(out, new long[] {batch.rows(), batch.seqLen()});
    }

    @Override
    public EvaluationResult score(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width, Evaluator evaluator) {
        List<List<String>> gold = new ArrayList<>();
        for (Example e : examples) {
            gold.add(exampleType().cast(e).tags());
        }
        return evaluator.evaluateTags(gold, predictedTags(features, examples, labels, logits, width));
    }

    /**
     * Returns the tag of every word of every example, as {@link #score} predicts them from the
     * logits: the arg-max tag of each word's first sub-token, {@code O} for words cut off by
     * truncation and for examples the featurizer skipped, and the inside rule for words without
     * sub-tokens (see the class documentation). The predictor of a saved model uses it too, so
     * that its tags are those the metric scored.
     *
     * @param features the features made from {@code examples}
     * @param examples the examples, {@link TokenExample}s
     * @param labels the task's label set
     * @param logits one row-major {@code [seqLen, width]} entry per unit, in unit order
     * @param width the label count
     * @return one tag list per example, as long as its words
     */
    public List<List<String>> predictedTags(Features features, List<Example> examples, List<String> labels,
            List<float[]> logits, int width) {
        TokenClassificationFeatures f = TokenClassificationFeatures.class.cast(features);
        List<List<String>> pred = new ArrayList<>();
        for (Example e : examples) {
            pred.add(new ArrayList<>(Collections.nCopies(exampleType().cast(e).tags().size(), "O")));
        }
        for (int r = 0; r < f.size(); r++) {
            List<String> p = pred.get(f.exampleIndex(r));
            int[] words = f.firstTokenWords(r);
            int k = 0;
            float[] lg = logits.get(r);
            for (int pos = 0; pos < f.tokens().length(r) && k < words.length; pos++) {
                if (f.isFirstSubToken(r, pos)) {
                    p.set(words[k++], labels.get(Formats.argmax(lg, pos * width, width)));
                }
            }
            insideTokenlessWords(p, words, labels);
        }
        return pred;
    }

    /**
     * Predicts the words between two of a row's predicted words that got no sub-token (every
     * character removed by the normalizer, as U+200E or U+FFFD under BERT's): {@code I-T} when the
     * words around them continue one entity ({@code B-T} or {@code I-T} before, {@code I-T} or
     * {@code E-T} after), the only tag that keeps that entity whole; {@code O} otherwise, as
     * before. Found on re3d, where "Prime Minister U+200E Haider" lost its entity to the mark.
     */
    private static void insideTokenlessWords(List<String> pred, int[] words, List<String> labels) {
        for (int k = 1; k < words.length; k++) {
            int before = words[k - 1];
            int after = words[k];
            if (after - before < 2) {
                continue;
            }
            String a = pred.get(before);
            String b = pred.get(after);
            if (a.length() < 2 || b.length() < 2 || !a.substring(2).equals(b.substring(2))
                    || !(a.startsWith("B-") || a.startsWith("I-")) || !(b.startsWith("I-") || b.startsWith("E-"))) {
                continue;
            }
            String inside = "I-" + a.substring(2);
            if (labels.contains(inside)) {
                for (int w = before + 1; w < after; w++) {
                    pred.set(w, inside);
                }
            }
        }
    }
}
