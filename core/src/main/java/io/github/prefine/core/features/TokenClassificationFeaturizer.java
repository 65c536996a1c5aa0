package io.github.prefine.core.features;

import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.Pieces;
import io.github.prefine.core.tokenize.SpecialTokenLayout;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import io.github.prefine.core.tokenize.Truncation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Turns {@link TokenExample}s into {@link TokenClassificationFeatures}, aligning word tags to
 * sub-tokens.
 *
 * <p>The first sub-token of each word carries the word's tag id; later sub-tokens and special
 * tokens get -100, unless {@link Builder#optLabelAllSubTokens(boolean)} gives the later sub-tokens
 * their word's tag too, a {@code B-} tag as its {@code I-} tag where the labels have one (HF's {@code
 * label_all_tokens}). Sentences longer than the maximum length are
 * truncated; the report counts them and the words cut off. Skipped and reported: sentences with
 * an empty word or a word holding whitespace, or rejected by the tokenizer. A word whose tag is
 * outside the label list is kept with its positions ignored by the loss and counted as {@link
 * #TAG_OUTSIDE_LIST}: the task scores it by its gold tag, which no prediction can match, so it
 * counts against the score rather than vanish. Tags are used as given (no IOB1→IOB2 conversion
 * here). Immutable and thread-safe;
 * the given tokenizer is not owned.
 */
public final class TokenClassificationFeaturizer extends FeaturizerBase {
    /** Feature report counter: words kept with ignored positions because their tag is not in the list. */
    public static final String TAG_OUTSIDE_LIST = "words whose tag is not in the label list (ignored by the loss, scored as wrong)";

    /**
     * Feature report counter: words of kept sentences that the maximum length cut off (no sub-token
     * in the row, so no training label, and predicted {@code O}).
     */
    public static final String WORDS_CUT = "words cut by truncation";

    private final List<String> labels;
    private final Map<String, Integer> labelIds;
    private final boolean labelAll;
    private final boolean fastPath;
    /** HF run_ner.py's b_to_i_label: the id of I-T for B-T when the list has it, else the id itself. */
    private final int[] continuation;

    private TokenClassificationFeaturizer(Builder b) {
        super(b);
        labels = b.labels;
        labelIds = ClassificationFeaturizer.labelIndex(labels);
        labelAll = b.labelAll;
        fastPath = b.fastPath;
        continuation = new int[labels.size()];
        for (int i = 0; i < continuation.length; i++) {
            String l = labels.get(i);
            // replace, as run_ner.py does: every "B-" of the tag, not the prefix alone
            Integer inside = l.startsWith("B-") ? labelIds.get(l.replace("B-", "I-")) : null;
            continuation[i] = inside == null ? i : inside;
        }
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
     * Returns the label list (id = index).
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Featurizes the sentences with native batch encoding.
     *
     * @param examples the sentences; the feature's example index refers to this list
     * @return the features and their report
     * @throws IOException when the tokenizer variant cannot be loaded
     */
    public TokenClassificationFeatures featurize(List<TokenExample> examples) throws IOException {
        return featurize(examples, i -> { });
    }

    /**
     * {@link #featurize(List)}, telling {@code viaSentences} the index of each example encoded as a
     * whole sentence rather than assembled from its words' pieces.
     */
    TokenClassificationFeatures featurize(List<TokenExample> examples, IntConsumer viaSentences) throws IOException {
        ReportCollector report = report(examples.size());
        ProgressSteps steps = progress(examples.size());
        List<Integer> kept = new ArrayList<>(examples.size());
        List<int[]> tagIds = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TokenExample ex = examples.get(i);
            String problem = null;
            int[] ids = new int[ex.tags().size()];
            for (int w = 0; w < ids.length && problem == null; w++) {
                Integer id = labelIds.get(ex.tags().get(w));
                if (id == null) {
                    ids[w] = -1;
                } else {
                    ids[w] = id;
                }
                if (!wordIsUsable(ex.tokens().get(w))) {
                    problem = "empty word or word holding whitespace";
                }
            }
            if (problem != null) {
                report.skip(ex.id(), problem);
            } else {
                kept.add(i);
                tagIds.add(ids);
            }
        }
        Rows acc = new Rows(report, tokenizer.padId(), examples.size(), continuation);
        // a raw text that its tokenizer encodes otherwise than its words is encoded whole, as written
        boolean fromText = tokenizer.spacesSplitWords() && kept.stream().anyMatch(i -> examples.get(i).source() != null);
        if (!fastPath || fromText || !featurizeByWords(examples, kept, tagIds, acc, steps, viaSentences)) {
            featurizeBySentences(examples, kept, tagIds, acc, steps, viaSentences);
        }
        steps.finish();
        return acc.finish(labelAll);
    }

    /**
     * Fast path: tokenizes each distinct word once and assembles the rows from the words' pieces
     * and the special-token layout. Returns false, having added nothing, when the tokenizer does
     * not allow it. A sentence holding a word that gains whitespace under compatibility
     * normalization ({@link #gainsSpace}) is encoded whole, in its place among the others, so that
     * one such word no longer sends the whole split down the slower sentence path; only where the
     * pre-tokenizer marks word starts ({@link SubwordTokenizer#marksWordStarts()}), as XLM-R's
     * does, for elsewhere (BERT's WordPiece) the word's pieces are the same in any place.
     */
    private boolean featurizeByWords(List<TokenExample> examples, List<Integer> kept, List<int[]> tagIds, Rows acc,
            ProgressSteps steps, IntConsumer viaSentences) throws IOException {
        if (!tokenizer.encodesWordsIndependently()) {
            return false;
        }
        Optional<SpecialTokenLayout> found = tokenizer.specialTokenLayout();
        if (found.isEmpty() || found.get().singleType() != 0) {
            return false;
        }
        SpecialTokenLayout layout = found.get();
        if (maxLength - layout.singlePrefix().length - layout.singleSuffix().length <= 0) {
            return false;
        }
        Map<String, Integer> wordIndex = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        int[][] sentenceWords = new int[kept.size()][];
        for (int k = 0; k < kept.size(); k++) {
            List<String> words = examples.get(kept.get(k)).tokens();
            int[] idx = new int[words.size()];
            for (int w = 0; w < idx.length; w++) {
                String word = words.get(w);
                Integer at = wordIndex.get(word);
                if (at == null) {
                    at = distinct.size();
                    wordIndex.put(word, at);
                    distinct.add(word);
                }
                idx[w] = at;
            }
            sentenceWords[k] = idx;
        }
        // a word that gains whitespace has no pieces of its own: -1, and its sentences are encoded
        // whole; not where the pre-tokenizer marks no word start (WordPiece's), as that space then
        // splits the word alike in any place
        boolean placeMatters = tokenizer.marksWordStarts();
        int[] pieceRow = new int[distinct.size()];
        List<String> encoded = new ArrayList<>(distinct.size());
        for (int d = 0; d < pieceRow.length; d++) {
            String word = distinct.get(d);
            pieceRow[d] = placeMatters && gainsSpace(word) ? -1 : encoded.size();
            if (pieceRow[d] >= 0) {
                encoded.add(word);
            }
        }
        boolean[] whole = new boolean[kept.size()];
        boolean anyWhole = false;
        for (int k = 0; k < kept.size(); k++) {
            int[] idx = sentenceWords[k];
            for (int w = 0; w < idx.length; w++) {
                idx[w] = pieceRow[idx[w]];
                whole[k] |= idx[w] < 0;
            }
            anyWhole |= whole[k];
        }
        Pieces pieces;
        try {
            pieces = tokenizer.encodeWordPieces(encoded);
        } catch (IllegalArgumentException ex) {
            return false;
        }
        try (SubwordTokenizer tok = anyWhole ? sentenceVariant() : null) {
            assemble(examples, kept, tagIds, acc, steps, viaSentences, sentenceWords, pieces, whole, tok, layout);
        }
        return true;
    }

    /** Adds the rows of the fast path in order, encoding the sentences marked {@code whole} with {@code tok}. */
    private void assemble(List<TokenExample> examples, List<Integer> kept, List<int[]> tagIds, Rows acc,
            ProgressSteps steps, IntConsumer viaSentences, int[][] sentenceWords, Pieces pieces, boolean[] whole,
            SubwordTokenizer tok, SpecialTokenLayout layout) {
        int[] prefix = layout.singlePrefix();
        int[] suffix = layout.singleSuffix();
        int budget = maxLength - prefix.length - suffix.length;
        int[] pIds = pieces.ids();
        int[] pStart = pieces.rowStart();
        int[] ids = new int[maxLength];
        int[] wordIds = new int[maxLength];
        TokenEncoding[] enc = null;
        int[] encAt = new int[batchSize];
        for (int k = 0; k < kept.size(); k++) {
            if (k % batchSize == 0 && tok != null) {
                List<Integer> batch = new ArrayList<>();
                for (int j = k; j < Math.min(kept.size(), k + batchSize); j++) {
                    encAt[j - k] = whole[j] ? batch.size() : -1;
                    if (whole[j]) {
                        batch.add(kept.get(j));
                    }
                }
                enc = batch.isEmpty() ? null : encodeSentences(tok, examples, batch);
            }
            if (whole[k]) {
                viaSentences.accept(kept.get(k));
                addEncoded(acc, examples, kept.get(k), enc[encAt[k % batchSize]], tagIds.get(k));
            } else {
                int[] idx = sentenceWords[k];
                int n = 0;
                for (int id : prefix) {
                    wordIds[n] = -1;
                    ids[n++] = id;
                }
                int limit = prefix.length + budget;
                boolean truncated = false;
                for (int w = 0; w < idx.length && !truncated; w++) {
                    for (int t = pStart[idx[w]]; t < pStart[idx[w] + 1]; t++) {
                        if (n == limit) {
                            truncated = true;
                            break;
                        }
                        wordIds[n] = w;
                        ids[n++] = pIds[t];
                    }
                }
                for (int id : suffix) {
                    wordIds[n] = -1;
                    ids[n++] = id;
                }
                acc.add(kept.get(k), ids, wordIds, n, tagIds.get(k), truncated, labelAll);
            }
            if ((k + 1) % batchSize == 0) {
                steps.report(done(kept, k + 1, examples.size()));
            }
        }
    }

    /** Reference path: encodes whole sentences through {@link SubwordTokenizer#encodeWordsBatch}. */
    private void featurizeBySentences(List<TokenExample> examples, List<Integer> keptAll, List<int[]> tagIdsAll, Rows acc,
            ProgressSteps steps, IntConsumer viaSentences) throws IOException {
        try (SubwordTokenizer tok = sentenceVariant()) {
            for (int from = 0; from < keptAll.size(); from += batchSize) {
                int to = Math.min(keptAll.size(), from + batchSize);
                List<Integer> kept = keptAll.subList(from, to);
                TokenEncoding[] enc = encodeSentences(tok, examples, kept);
                for (int k = 0; k < kept.size(); k++) {
                    viaSentences.accept(kept.get(k));
                    addEncoded(acc, examples, kept.get(k), enc[k], tagIdsAll.get(from + k));
                }
                steps.report(done(keptAll, to, examples.size()));
            }
        }
    }

    /** The tokenizer variant that encodes whole sentences, truncated to the maximum length. */
    private SubwordTokenizer sentenceVariant() throws IOException {
        return ChunkEncoder.variant(tokenizer, maxLength, Truncation.LONGEST_FIRST, 0);
    }

    /**
     * Encodes the given examples' words as sentences; null where the tokenizer rejects one. An
     * example split from a raw text is encoded as that text where the tokenizer encodes pre-split
     * words otherwise ({@link SubwordTokenizer#spacesSplitWords()}), as HF's pipeline encodes it.
     */
    private static TokenEncoding[] encodeSentences(SubwordTokenizer tok, List<TokenExample> examples, List<Integer> kept) {
        if (!tok.spacesSplitWords() || kept.stream().allMatch(i -> examples.get(i).source() == null)) {
            return ChunkEncoder.encode(
                    () -> tok.encodeWordsBatch(kept.stream().map(i -> examples.get(i).tokens()).toList()),
                    k -> tok.encodeWords(examples.get(kept.get(k)).tokens()),
                    kept.size());
        }
        return ChunkEncoder.encode(() -> {
            if (kept.stream().allMatch(i -> examples.get(i).source() != null)) {
                // raw texts alone, as the predictor's tagTexts gives them: one native call
                return tok.encodeTextWordsBatch(kept.stream().map(i -> examples.get(i).source().text()).toList(),
                        kept.stream().map(i -> bounds(examples.get(i))).toList());
            }
            List<TokenEncoding> out = new ArrayList<>(kept.size());
            for (int i : kept) {
                out.add(encodeOne(tok, examples.get(i)));
            }
            return out;
        }, k -> encodeOne(tok, examples.get(kept.get(k))), kept.size());
    }

    /** One example's sentence encoding: of its source text where it has one, else of its words. */
    private static TokenEncoding encodeOne(SubwordTokenizer tok, TokenExample e) {
        if (e.source() == null) {
            return tok.encodeWords(e.tokens());
        }
        return tok.encodeTextWordsBatch(List.of(e.source().text()), List.of(bounds(e))).get(0);
    }

    private static int[] bounds(TokenExample e) {
        return e.source().bounds().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds example {@code i}'s row from its sentence encoding, or reports it skipped when rejected (null). */
    private void addEncoded(Rows acc, List<TokenExample> examples, int i, TokenEncoding e, int[] tags) {
        if (e == null) {
            acc.report.skip(examples.get(i).id(), ChunkEncoder.REJECTED);
            return;
        }
        checkSingleSequence(e);
        acc.add(i, e.ids(), e.wordIds(), e.length(), tags, e.isTruncated(), labelAll);
    }

    private void checkSingleSequence(TokenEncoding e) {
        int[] types = e.typeIds();
        for (int p = 0; p < e.length(); p++) {
            if (types[p] != 0) {
                throw new IllegalStateException(
                        name + ": single-sequence type ids must be 0, found " + types[p] + " at " + p);
            }
        }
    }

    /**
     * Whether compatibility normalization puts whitespace into a word (U+00A8 "¨" becomes a space
     * and a combining mark under NFKC, as XLM-R's normalizer does): such a word's sub-tokens differ
     * first in a sentence and after another word, so that one set of pieces per word no longer
     * gave the sentence's encoding, and the word path encodes that word's sentences whole. Since
     * the joined space's lone token before such a word is dropped, as HF's {@code
     * is_split_into_words} never makes it, the pieces no longer differ by place; the whole-sentence
     * encoding, kept for these sentences, gives the same tokens.
     */
    static boolean gainsSpace(String word) {
        if (java.text.Normalizer.isNormalized(word, java.text.Normalizer.Form.NFKC)) {
            return false;
        }
        String n = java.text.Normalizer.normalize(word, java.text.Normalizer.Form.NFKC);
        for (int i = 0; i < n.length(); i++) {
            if (Character.isWhitespace(n.charAt(i)) || Character.isSpaceChar(n.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Examples done once the first {@code k} kept sentences are: all before the next kept one, the
     * skipped ones among them included.
     */
    private static int done(List<Integer> kept, int k, int total) {
        return k < kept.size() ? kept.get(k) : total;
    }

    /** Collects rows and label bytes; mutable, single-threaded. */
    private static final class Rows {
        final ReportCollector report;
        final TokenRows.Builder rows;
        byte[] lab = new byte[1024];
        int labSize;
        final int[] exampleOf;
        final Map<Integer, int[]> gapped = new TreeMap<>();
        /** Truncated rows: the index of the first word cut off. */
        final Map<Integer, Integer> cut = new TreeMap<>();

        final int[] continuation;

        Rows(ReportCollector report, int padId, int examples, int[] continuation) {
            this.report = report;
            this.continuation = continuation;
            this.rows = TokenRows.builder(padId);
            this.exampleOf = new int[examples];
        }

        void add(int example, int[] ids, int[] wordIds, int n, int[] tags, boolean truncated, boolean labelAll) {
            if (labSize + n > lab.length) {
                lab = Arrays.copyOf(lab, Math.max(labSize + n, lab.length * 2));
            }
            int prev = -1;
            int firsts = 0;
            int[] firstWords = new int[tags.length];
            for (int p = 0; p < n; p++) {
                int w = wordIds[p];
                byte b;
                if (w < 0) {
                    b = TokenClassificationFeatures.ignored(labelAll);
                } else if (w != prev) {
                    // a tag outside the list (-1) is ignored by the loss; its word still counts as a first sub-token
                    b = tags[w] < 0 ? TokenClassificationFeatures.ignoredFirst(labelAll)
                            : TokenClassificationFeatures.first(labelAll, tags[w]);
                    firstWords[firsts++] = w;
                } else {
                    b = labelAll && tags[w] >= 0 ? (byte) continuation[tags[w]] : TokenClassificationFeatures.ignored(labelAll);
                }
                if (w >= 0) {
                    prev = w;
                }
                lab[labSize + p] = b;
            }
            labSize += n;
            // counted here, for kept rows only: a sentence skipped or rejected keeps no word
            long outside = Arrays.stream(tags).filter(t -> t < 0).count();
            if (outside > 0) {
                report.count(TAG_OUTSIDE_LIST, outside);
            }
            int lastWord = prev;
            int row = rows.add(ids, 0, n, n);
            exampleOf[row] = example;
            if (truncated) {
                report.truncated();
                report.count(WORDS_CUT, tags.length - 1 - lastWord);
                cut.put(row, lastWord + 1);
            }
            // words that should have a first sub-token here: all of them unless truncated
            int covered = truncated ? lastWord + 1 : tags.length;
            if (firsts != covered) {
                report.count("words without sub-tokens", covered - firsts);
                gapped.put(row, Arrays.copyOf(firstWords, firsts));
            }
        }

        TokenClassificationFeatures finish(boolean labelAll) {
            TokenRows built = rows.build();
            int n = built.rowCount();
            long bytes = built.storedBytes() + labSize + 4L * n;
            for (int[] g : gapped.values()) {
                bytes += 4L * g.length + 16;
            }
            bytes += 16L * cut.size();
            return new TokenClassificationFeatures(
                    built, labelAll, Arrays.copyOf(lab, labSize), Arrays.copyOf(exampleOf, n), gapped, cut,
                    report.finish(n, built.tokenCount(), bytes));
        }
    }

    private static boolean wordIsUsable(String word) {
        if (word.isEmpty()) {
            return false;
        }
        for (int c = 0; c < word.length(); c++) {
            char ch = word.charAt(c);
            if (Character.isWhitespace(ch) || Character.isSpaceChar(ch)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds a {@link TokenClassificationFeaturizer}; mutable and single-threaded.
     *
     * <p>Required: {@link #setTokenizer}, {@link #setLabels}. {@link #build()} checks that there
     * are 1 to 254 distinct labels (127 when every sub-token is labelled) and that the sizes are positive.
     *
     * <p>Defaults: maximum length 128, batch size 1024 sentences, name {@code token-classification}.
     */
    public static final class Builder extends FeaturizerBuilder<Builder> {
        private List<String> labels;
        private boolean labelAll;
        private boolean fastPath = true;

        private Builder() {
            super(128, 1024, "token-classification");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the tag list; a tag's id is its index. Required.
         *
         * @param labels 1 to 254 distinct tags (127 when every sub-token is labelled)
         * @return this builder
         */
        public Builder setLabels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Sets whether every sub-token carries its word's tag, as HF's {@code run_ner.py} does with
         * {@code label_all_tokens}: a later sub-token of a {@code B-X} word gets {@code I-X} where
         * the labels have it. Default false (first sub-token only).
         *
         * @param labelAll true to label all sub-tokens
         * @return this builder
         */
        public Builder optLabelAllSubTokens(boolean labelAll) {
            this.labelAll = labelAll;
            return this;
        }

        /**
         * Sets whether distinct words are tokenized once and rows assembled from their pieces
         * when the tokenizer allows it ({@link SubwordTokenizer#encodesWordsIndependently()} and a
         * simple special-token layout). Default true. False always encodes whole sentences; both
         * give the same features.
         *
         * @param fastPath false to force sentence encoding
         * @return this builder
         */
        public Builder optFastPath(boolean fastPath) {
            this.fastPath = fastPath;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the featurizer
         */
        public TokenClassificationFeaturizer build() {
            requireTokenizer();
            Objects.requireNonNull(labels, "labels are required (setLabels)");
            int max = TokenClassificationFeatures.maxLabels(labelAll);
            if (labels.isEmpty() || labels.size() > max) {
                throw new IllegalArgumentException("labels: need 1 to " + max + " tags"
                        + (labelAll ? " when every sub-token is labelled" : "") + ", found " + labels.size());
            }
            checkSizes();
            return new TokenClassificationFeaturizer(this);
        }
    }
}
