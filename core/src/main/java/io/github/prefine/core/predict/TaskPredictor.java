package io.github.prefine.core.predict;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.ChoiceFeatures;
import io.github.prefine.core.features.ClassificationFeatures;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.Features;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.MultipleChoice;
import io.github.prefine.core.task.SequenceClassification;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TokenClassification;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.internal.Counts;
import io.github.prefine.eval.metrics.Span;
import io.github.prefine.eval.metrics.SpanExtractor;
import io.github.prefine.eval.qa.QaAnswer;
import io.github.prefine.eval.qa.QaPostProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Uses one task of a {@link FinetunedModel} on new raw input, reading the head's outputs exactly
 * as the evaluation reads them, so that a prediction is what the task's metric scored:
 *
 * <ul>
 *   <li>a single-text task: {@link #classify} texts;
 *   <li>a text-pair task: {@link #classifyPairs} texts with their second texts;
 *   <li>a sequence classifier read from a Hugging Face folder: either ({@link #takesTextsAndPairs()});
 *   <li>a sequence-labelling task: {@link #tag} sentences of pre-split words (as CoNLL), or
 *       {@link #tagTexts} raw texts, split into words and tagged with char and code-point offsets;
 *   <li>an extractive QA task: {@link #answer} questions about contexts;
 *   <li>a multiple-choice task: {@link #choose} among choices for premises (any number of choices
 *       from 2 for a model read from a Hugging Face folder: {@link #takesAnyChoiceCount()}).
 * </ul>
 *
 * <p>Each call featurizes its inputs with the task's own featurizer, lengths and tokenizer (as
 * recorded in the saved folder), runs the model in batches of {@link #batchSize()} units (a
 * multiple-choice unit is one premise with all its choices) without
 * dropout, shortest units first so that each batch pads little, and reads each batch's outputs to
 * the host once; the outputs come back in input order. A text or sentence longer than the
 * task's {@code maxLength} is cut there, as its training and validation data were (the
 * featurizer's report counts them, logged at DEBUG so that a server predicting per request logs
 * no line per call; the words cut off are tagged {@code O}, and {@link TagPrediction#wordsCut()}
 * counts them; {@link LabelPrediction#cut()} tells a cut text or pair, {@link ChoicePrediction#cut()}
 * a premise with a cut choice row); a QA context is read in windows, so none of it is lost. A method of another format is refused
 * with a message naming the task and the method its format takes. An empty list gives an empty
 * list; an empty or whitespace text (no-break spaces included), an empty sentence, an empty word or
 * one holding whitespace, an empty choice,
 * a choice count other than the task's (below 2 where any count is taken), or a text holding an
 * unpaired surrogate (named with its position) is refused, naming the input's index (a {@link
 * RefusedInputException}); so is an input whose logits hold NaN or an infinity (a model whose
 * activations overflow float32), for every format: NaN's arg-max would tag every word with the
 * first label or give a QA question no answer, with no number left to show it (checked on the logits
 * the host reads anyway, so no device operation is added). Each method has an overload taking an {@code onRefused} consumer: it
 * receives every refused input instead of the first being thrown, the refused inputs' outputs are {@code null}, and the others are
 * featurized and predicted once, in the same call, as a call on them alone would predict them.
 *
 * <p>A text that tokenizes to nothing (only characters the tokenizer's normalizer drops, such as
 * U+200B or U+00AD under BERT's) is not refused: it is classified from the special tokens alone
 * ({@code [CLS] [SEP]}, {@code <s> </s>}), as training featurizes such a text and as HF's
 * text-classification pipeline classifies {@code ""}. An empty or whitespace text is refused
 * instead, where HF would classify it: it is far likelier a missing field than an input.
 *
 * <p><b>Native memory.</b> Owns none: each batch's arrays live in a sub-manager of the model's
 * manager that is closed before the next batch. A predictor is valid while its model is open; a
 * call under way keeps it open ({@link FinetunedModel#close} waits for it), and a call after the
 * close is refused.
 *
 * <p>Thread-safe: featurization runs in parallel, and the model runs one batch at a time, locked
 * on the {@link FinetunedModel}, which predictors of all its tasks share.
 */
public final class TaskPredictor {
    /** The default number of units (texts, sentences, QA windows) per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final FinetunedModel owner;
    private final MultiHeadModel model;
    private final SubwordTokenizer tokenizer;
    private final int taskIndex;
    private final SavedTask task;
    private final int batchSize;
    /** For a QA task, the recorded post-processing or an override; null for other formats. */
    private final QaPostProcessor qaPostProcessor;
    /**
     * Whether the task was read from a Hugging Face folder: its sequence classifier reads texts and
     * pairs alike, and its multiple-choice model any number of choices.
     */
    private final boolean huggingFace;
    private final IdeographWords ideographWords;
    private final BatchedForward forward;

    TaskPredictor(FinetunedModel owner, MultiHeadModel model, SubwordTokenizer tokenizer, int taskIndex,
            SavedTask task, int batchSize, QaPostProcessor qaPostProcessor, boolean huggingFace) {
        this(owner, model, tokenizer, taskIndex, task,
                batchSize, qaPostProcessor, huggingFace, IdeographWords.TOKENIZER);
    }

    private TaskPredictor(FinetunedModel owner, MultiHeadModel model, SubwordTokenizer tokenizer, int taskIndex,
            SavedTask task, int batchSize, QaPostProcessor qaPostProcessor, boolean huggingFace,
            IdeographWords ideographWords) {
        this.owner = owner;
        this.ideographWords = ideographWords;
        this.huggingFace = huggingFace;
        this.model = model;
        this.tokenizer = tokenizer;
        this.taskIndex = taskIndex;
        this.task = task;
        this.batchSize = batchSize;
        this.qaPostProcessor = qaPostProcessor;
        this.forward = new BatchedForward(owner, model, taskIndex, task.format(), batchSize, takesAnyChoiceCount());
    }

    /**
     * Returns the task this predictor serves.
     *
     * @return its name, format, label names and feature lengths
     */
    public SavedTask task() {
        return task;
    }

    /**
     * Returns how many units (texts, sentences, QA windows) one forward pass holds.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns a predictor of the same task with another batch size; the outputs do not depend on it
     * beyond float rounding.
     *
     * @param batchSize units per forward pass, positive
     * @return the predictor
     * @throws IllegalArgumentException if {@code batchSize} is not positive
     */
    public TaskPredictor withBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("predictor: batchSize must be positive, found " + batchSize);
        }
        return new TaskPredictor(owner, model, tokenizer, taskIndex, task,
                batchSize, qaPostProcessor, huggingFace, ideographWords);
    }

    /**
     * Returns a predictor of the same task that cuts and windows new text with other feature
     * lengths than the folder records: for a Hugging Face folder, which keeps no QA stride (and,
     * unless prefine exported it, none of a task's lengths), the lengths the task was trained with;
     * the heads and tokenizer are shared. The example caps
     * and seed play no part in prediction.
     *
     * @param settings the lengths ({@link FeatureSettings#maxLength} for classification, tagging
     *     and choice, {@link FeatureSettings#qaMaxLength} and {@link FeatureSettings#qaStride} for
     *     QA windows), within the encoder's positions
     * @return the predictor
     * @throws IllegalArgumentException if the length the task reads with ({@code qaMaxLength} for QA,
     *     {@code maxLength} for the others) exceeds the encoder's positions
     */
    public TaskPredictor withSettings(FeatureSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (model.encoder() instanceof TransformerEncoder encoder) {
            // refused here, not at the first text long enough to reach the position table's end
            boolean qa = task.format() instanceof ExtractiveQa;
            int length = qa ? settings.qaMaxLength() : settings.maxLength();
            int positions = encoder.config().maxSequenceLength();
            if (length > positions) {
                throw new IllegalArgumentException("predictor: task " + task.name() + ": withSettings would read rows of"
                        + " up to " + length + " tokens (FeatureSettings " + (qa ? "qaMaxLength" : "maxLength")
                        + "), but the encoder has " + positions + " positions; give at most " + positions);
            }
        }
        SavedTask t = new SavedTask(task.name(), task.format(), task.labels(), settings, task.qaPostProcessor());
        return new TaskPredictor(owner, model, tokenizer, taskIndex, t,
                batchSize, qaPostProcessor, huggingFace, ideographWords);
    }

    /**
     * Tells whether both {@link #classify} and {@link #classifyPairs} serve this task: true for a
     * sequence classifier read from a Hugging Face folder ({@link FinetunedModel#loadHuggingFace}),
     * which does not record whether it was trained on single texts or pairs; a task of prefine's
     * own folder takes the one its format names.
     *
     * @return whether single texts and text pairs are both taken
     */
    public boolean takesTextsAndPairs() {
        return huggingFace && task.format() instanceof SequenceClassification;
    }

    /**
     * Tells whether {@link #choose} takes any number of choices from 2 per question: true for a
     * multiple-choice model read from a Hugging Face folder ({@link FinetunedModel#loadHuggingFace}),
     * whose one classifier scores each choice on its own, as HF's {@code ...ForMultipleChoice} takes
     * the count from its input; a task of prefine's own folder takes the count it was trained with.
     *
     * @return whether questions may have any number of choices from 2, in one call alike
     */
    public boolean takesAnyChoiceCount() {
        return huggingFace && task.format() instanceof MultipleChoice;
    }

    /**
     * Returns the post-processing {@link #answer} reads spans with: the one recorded in the folder
     * (the task's evaluation), unless {@link #withQaPostProcessor} replaced it.
     *
     * @return the n-best and maximum answer length; {@code null} for a task of another format
     */
    public QaPostProcessor qaPostProcessor() {
        return qaPostProcessor;
    }

    /**
     * Returns a predictor of the same QA task that reads answers with another n-best and maximum
     * answer length than the folder records.
     *
     * @param postProcessor the post-processing
     * @return the predictor
     * @throws IllegalArgumentException if the task is not an extractive QA task
     */
    public TaskPredictor withQaPostProcessor(QaPostProcessor postProcessor) {
        Objects.requireNonNull(postProcessor, "postProcessor");
        if (!(task.format() instanceof ExtractiveQa)) {
            throw new IllegalArgumentException("predictor: task " + task.name() + " is a " + task.format().label()
                    + " task; QA post-processing applies to qa tasks only");
        }
        return new TaskPredictor(owner, model, tokenizer, taskIndex, task,
                batchSize, postProcessor, huggingFace, ideographWords);
    }

    /**
     * Returns how {@link #tagTexts} splits runs of CJK ideographs into words: {@link
     * IdeographWords#TOKENIZER} unless {@link #withIdeographWords} chose another rule.
     *
     * @return the rule
     */
    public IdeographWords ideographWords() {
        return ideographWords;
    }

    /**
     * Returns a predictor of the same task whose {@link #tagTexts} splits runs of CJK ideographs
     * by another rule: {@link IdeographWords#EACH} for an XLM-R task trained on per-character
     * labelled data (MSRA, Weibo, People's Daily), whose tokenizer would leave a run one word.
     * The other calls do not depend on it, so only a token task's predictor takes it, as the
     * {@code predict} command's {@code --ideograph-words} is refused for a task of another format.
     *
     * @param rule the rule
     * @return the predictor
     * @throws IllegalArgumentException if the task is not a sequence-labelling task
     */
    public TaskPredictor withIdeographWords(IdeographWords rule) {
        Objects.requireNonNull(rule, "rule");
        requireFormat("token", "withIdeographWords(rule)");
        return new TaskPredictor(owner, model, tokenizer, taskIndex, task,
                batchSize, qaPostProcessor, huggingFace, rule);
    }

    /**
     * Classifies single texts.
     *
     * @param texts the texts, none empty
     * @return one prediction per text, in order
     * @throws IllegalArgumentException if the task is not a single-text classification task (nor
     *     one that {@link #takesTextsAndPairs()}), or a
     *     text is empty or rejected by the tokenizer
     * @throws IllegalStateException if the model is closed
     */
    public List<LabelPrediction> classify(List<String> texts) {
        return classify(texts, null);
    }

    /**
     * Classifies single texts, passing each refused text to {@code onRefused} instead of throwing,
     * so that the others are featurized and predicted once, in this call.
     *
     * @param texts the texts
     * @param onRefused receives each refused text's exception, its index among {@code texts}; null to throw
     *     the first instead, as the overload without it does
     * @return one prediction per text, in order, {@code null} for each refused text
     * @throws IllegalArgumentException if the task is not a single-text classification task
     * @throws IllegalStateException if the model is closed
     */
    public List<LabelPrediction> classify(List<String> texts, Consumer<? super RefusedInputException> onRefused) {
        return owner.during(() -> {
            Objects.requireNonNull(texts, "texts");
            requireFormat("text", "classify(texts)");
            AdmittedInputs in = new AdmittedInputs(texts.size(), onRefused);
            for (int i = 0; i < texts.size(); i++) {
                int k = i;
                in.add(k, () -> new TextExample(id(k), text(texts.get(k), "text", k), null, null));
            }
            return labels(in);
        });
    }

    /**
     * Classifies text pairs (premise and hypothesis, question and sentence...).
     *
     * @param texts the first texts, none empty
     * @param pairs the second texts, as many, none empty
     * @return one prediction per pair, in order
     * @throws IllegalArgumentException if the task is not a text-pair classification task (nor one
     *     that {@link #takesTextsAndPairs()}), the
     *     lists differ in size, or a text is empty or rejected by the tokenizer
     * @throws IllegalStateException if the model is closed
     */
    public List<LabelPrediction> classifyPairs(List<String> texts, List<String> pairs) {
        return classifyPairs(texts, pairs, null);
    }

    /**
     * Classifies text pairs, passing each refused pair to {@code onRefused} instead of throwing, so
     * that the others are featurized and predicted once, in this call.
     *
     * @param texts the first texts
     * @param pairs the second texts, as many
     * @param onRefused receives each refused pair's exception, its index among {@code texts}; null to throw
     *     the first instead, as the overload without it does
     * @return one prediction per pair, in order, {@code null} for each refused pair
     * @throws IllegalArgumentException if the task is not a text-pair classification task or the
     *     lists differ in size
     * @throws IllegalStateException if the model is closed
     */
    public List<LabelPrediction> classifyPairs(List<String> texts, List<String> pairs,
            Consumer<? super RefusedInputException> onRefused) {
        return owner.during(() -> {
            Objects.requireNonNull(texts, "texts");
            Objects.requireNonNull(pairs, "pairs");
            requireFormat("text-pair", "classifyPairs(texts, pairs)");
            if (texts.size() != pairs.size()) {
                throw new IllegalArgumentException("predictor: task " + task.name() + ": " + texts.size() + " texts but "
                        + pairs.size() + " pairs");
            }
            AdmittedInputs in = new AdmittedInputs(texts.size(), onRefused);
            for (int i = 0; i < texts.size(); i++) {
                int k = i;
                in.add(k, () -> new TextExample(id(k), text(texts.get(k), "text", k), text(pairs.get(k), "pair", k), null));
            }
            return labels(in);
        });
    }

    /**
     * Tags sentences of pre-split words, one tag per word from its first sub-token, and reads
     * their entities as seqeval's default mode does, a label without a {@code B-}/{@code I-}/{@code
     * E-}/{@code S-} prefix (other than {@code O}) read as {@code I-} of itself, as HF's pipeline
     * reads it.
     *
     * @param sentences the sentences, each a non-empty list of non-empty words without whitespace
     * @return one prediction per sentence, in order; words past the task's maxLength are tagged {@code O}
     *     and counted by {@link TagPrediction#wordsCut()}
     * @throws IllegalArgumentException if the task is not a sequence-labelling task, or a sentence
     *     or a word is empty, a word holds whitespace, or the tokenizer rejects a sentence
     * @throws IllegalStateException if the model is closed
     */
    public List<TagPrediction> tag(List<? extends List<String>> sentences) {
        return tag(sentences, null);
    }

    /**
     * Tags sentences, passing each refused sentence to {@code onRefused} instead of throwing, so
     * that the others are featurized and predicted once, in this call.
     *
     * @param sentences the sentences
     * @param onRefused receives each refused sentence's exception, its index among {@code sentences}; null to throw
     *     the first instead, as the overload without it does
     * @return one prediction per sentence, in order, {@code null} for each refused sentence
     * @throws IllegalArgumentException if the task is not a sequence-labelling task
     * @throws IllegalStateException if the model is closed
     */
    public List<TagPrediction> tag(List<? extends List<String>> sentences,
            Consumer<? super RefusedInputException> onRefused) {
        return tag(sentences, null, onRefused);
    }

    /** {@link #tag}, each sentence split from its source text where {@code sources} is not null. */
    private List<TagPrediction> tag(List<? extends List<String>> sentences, List<TokenExample.SourceText> sources,
            Consumer<? super RefusedInputException> onRefused) {
        return owner.during(() -> {
            Objects.requireNonNull(sentences, "sentences");
            requireFormat("token", "tag(sentences of words)");
            AdmittedInputs in = new AdmittedInputs(sentences.size(), onRefused);
            for (int i = 0; i < sentences.size(); i++) {
                List<String> words = Objects.requireNonNull(sentences.get(i), "sentence " + i);
                int k = i;
                in.add(k, () -> sentence(words, sources == null ? null : sources.get(k), k));
            }
            TagPrediction[] out = new TagPrediction[sentences.size()];
            if (in.examples.isEmpty()) {
                return Arrays.asList(out);
            }
            Features f = in.featurize(task, tokenizer);
            BatchedForward.Logits lg = forward.run(f, false);
            boolean[] nonFinite = refuseNonFinite(in, f, lg);
            List<List<String>> tags = ((TokenClassification) task.format()).predictedTags(f, in.examples, task.labels(),
                    lg.logits(), lg.width());
            List<List<Span>> bySentence = new ArrayList<>();
            for (int i = 0; i < in.examples.size(); i++) {
                bySentence.add(new ArrayList<>());
            }
            for (Span s : SpanExtractor.lenient(prefixed(tags))) {
                bySentence.get(s.sentence()).add(s);
            }
            // a sentence is one row: the words its row lacks past maxLength are tagged O unread
            int[] cut = new int[in.examples.size()];
            TokenClassificationFeatures rows = (TokenClassificationFeatures) f;
            for (int r = 0; r < f.size(); r++) {
                int first = rows.firstCutWord(r);
                cut[f.exampleIndex(r)] = first < 0 ? 0 : sentences.get(in.input(f.exampleIndex(r))).size() - first;
            }
            for (int e = 0; e < in.examples.size(); e++) {
                if (!in.refusedByFeaturizer(e) && !nonFinite[e]) {
                    out[in.input(e)] = new TagPrediction(sentences.get(in.input(e)), tags.get(e), bySentence.get(e), cut[e]);
                }
            }
            return Arrays.asList(out);
        });
    }

    /**
     * Tags raw texts, as HF's token-classification pipeline takes them: each text is split into
     * words by BERT's basic pre-tokenizer rule (whitespace separates words: tab, line ends and
     * Unicode's space, line and paragraph separators, not U+000B, U+000C or U+001C to U+001F, which
     * BERT removes; and every
     * punctuation character is a word of its own, so "U.S." gives four words and "don't" three;
     * the rule CoNLL-style data is closest to, though CoNLL keeps "U.S." whole; characters BERT's
     * tokenizer removes, such as U+0000, U+FFFD or U+200B, make no word; each CJK ideograph is a
     * word of its own where the tokenizer's normalizer spaces them out, as BERT's does, so that
     * per-character labelled Chinese NER is tagged one character per word, and a run of them one
     * word under XLM-R's, unless {@link #withIdeographWords} chose otherwise; kana and Hangul are
     * never split; where the tokenizer strips accents, as BERT's uncased one does, each character
     * is read as what the stripping leaves of it, so that "a\u2260b" is three words and an accent
     * after punctuation no part of the next word), and the words are tagged by {@link #tag}, with its truncation and word
     * alignment. Each word and entity carries its char offsets into the text, so an entity's text
     * is the text's own between its first and last word, line breaks and no-break spaces
     * included, and its code-point offsets, as Python slices the text.
     *
     * <p>Under a tokenizer that encodes pre-split words otherwise than the raw text ({@link
     * SubwordTokenizer#spacesSplitWords()}: byte-level BPE without {@code add_prefix_space}, as
     * RoBERTa's files are), the text itself is encoded as written, as HF's token-classification
     * pipeline encodes it (the first word without "Ġ", a full stop glued to the word before without
     * one), and each token is given the word its offsets overlap ({@link
     * SubwordTokenizer#encodeTextWordsBatch}); there the tags can differ from {@link #tag}'s on the
     * same words, which encodes every word after a space, as HF's {@code is_split_into_words} does.
     *
     * @param texts the texts, none empty or only whitespace
     * @return one prediction per text, in order; words past the task's maxLength are tagged {@code O}
     *     and counted by {@link TextTagPrediction#wordsCut()}
     * @throws IllegalArgumentException if the task is not a sequence-labelling task, a text is
     *     empty, has no words (only whitespace and characters the tokenizer removes) or holds an
     *     unpaired surrogate, or the tokenizer rejects a text's words
     * @throws IllegalStateException if the model is closed
     */
    public List<TextTagPrediction> tagTexts(List<String> texts) {
        return tagTexts(texts, null);
    }

    /**
     * Tags raw texts, passing each refused text to {@code onRefused} instead of throwing, so that
     * the others are predicted once, in this call.
     *
     * @param texts the texts
     * @param onRefused receives each refused text's exception, its index among {@code texts}; null to throw
     *     the first instead, as the overload without it does
     * @return one prediction per text, in order, {@code null} for each refused text
     * @throws IllegalArgumentException if the task is not a sequence-labelling task
     * @throws IllegalStateException if the model is closed
     */
    public List<TextTagPrediction> tagTexts(List<String> texts, Consumer<? super RefusedInputException> onRefused) {
        // the read lock is reentrant: tag takes it again inside, and a close waits for both
        return owner.during(() -> {
            Objects.requireNonNull(texts, "texts");
            requireFormat("token", "tagTexts(texts)");
            boolean ideographs = switch (ideographWords) {
                case TOKENIZER -> tokenizer.splitsIdeographs();
                case EACH -> true;
                case JOINED -> false;
            };
            List<Integer> admitted = new ArrayList<>();
            List<List<int[]>> offsets = new ArrayList<>();
            List<List<String>> sentences = new ArrayList<>();
            List<TokenExample.SourceText> sources = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                List<int[]> at;
                try {
                    String s = text(texts.get(i), "text", i);
                    at = TextWords.offsets(s, ideographs, tokenizer.stripsAccents());
                    if (at.isEmpty()) {
                        // only spaces that String.isBlank does not count, such as U+00A0, or characters
                        // BERT's tokenizer removes, such as U+200B
                        throw refused(i, s.codePoints().allMatch(TaskPredictor::space)
                                ? "the text is only whitespace; expected a non-empty text"
                                : "the text has no words (only whitespace and characters the tokenizer removes);"
                                        + " expected a non-empty text");
                    }
                } catch (RefusedInputException e) {
                    if (onRefused == null) {
                        throw e;
                    }
                    onRefused.accept(e);
                    continue;
                }
                String s = texts.get(i);
                admitted.add(i);
                offsets.add(at);
                sentences.add(at.stream().map(o -> TextWords.modelWord(s.substring(o[0], o[1]))).toList());
                sources.add(new TokenExample.SourceText(s, at.stream().flatMap(o -> Stream.of(o[0], o[1]))
                        .toList()));
            }
            List<TagPrediction> tagged;
            try {
                tagged = tag(sentences, sources,
                        onRefused == null ? null : e -> onRefused.accept(e.at(admitted.get(e.index()))));
            } catch (RefusedInputException e) {
                throw e.at(admitted.get(e.index()));
            }
            TextTagPrediction[] out = new TextTagPrediction[texts.size()];
            for (int k = 0; k < tagged.size(); k++) {
                TagPrediction p = tagged.get(k);
                if (p != null) {
                    out[admitted.get(k)] = located(texts.get(admitted.get(k)), offsets.get(k), p);
                }
            }
            return Arrays.asList(out);
        });
    }

    /** A text's prediction: the word-level one with each word's and entity's char and code-point offsets. */
    private static TextTagPrediction located(String text, List<int[]> at, TagPrediction p) {
        List<TextTagPrediction.Word> words = new ArrayList<>(at.size());
        // counted on from the last offset, the words being in order: one pass over the text
        int chars = 0;
        int points = 0;
        for (int w = 0; w < at.size(); w++) {
            int[] o = at.get(w);
            int start = points + text.codePointCount(chars, o[0]);
            int end = start + text.codePointCount(o[0], o[1]);
            chars = o[1];
            points = end;
            words.add(new TextTagPrediction.Word(text.substring(o[0], o[1]), p.tags().get(w), o[0], o[1], start, end));
        }
        List<TextTagPrediction.Entity> entities = new ArrayList<>(p.entities().size());
        for (Span s : p.entities()) {
            TextTagPrediction.Word first = words.get(s.start());
            TextTagPrediction.Word last = words.get(s.end() - 1);
            entities.add(new TextTagPrediction.Entity(s.type(), text.substring(first.start(), last.end()), first.start(),
                    last.end(), first.codePointStart(), last.codePointEnd()));
        }
        return new TextTagPrediction(text, words, entities, p);
    }

    /**
     * The tags with each label that has no {@code B-}/{@code I-}/{@code E-}/{@code S-} prefix (IO
     * tagging, or HF's {@code LABEL_k}) read as {@code I-} of itself, as HF's token-classification
     * pipeline reads it: seqeval's default mode would take its first letter for the prefix, typing
     * {@code PER} as {@code ER} and reading {@code ORG} as outside.
     */
    private static List<List<String>> prefixed(List<List<String>> tags) {
        List<List<String>> out = new ArrayList<>(tags.size());
        for (List<String> sentence : tags) {
            List<String> row = new ArrayList<>(sentence.size());
            for (String t : sentence) {
                boolean scheme = t.equals("O") || t.length() > 2 && t.charAt(1) == '-' && "BIES".indexOf(t.charAt(0)) >= 0;
                row.add(scheme ? t : "I-" + t);
            }
            out.add(row);
        }
        return out;
    }

    /** A sentence's example, its words checked. */
    private Example sentence(List<String> words, TokenExample.SourceText source, int i) {
        if (words.isEmpty()) {
            throw refused(i, "the sentence has no words; expected at least one word");
        }
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            // no-break spaces too, as blank() and the featurizer count them: it skipped the word unnamed
            if (word == null || word.isEmpty() || word.codePoints().anyMatch(TaskPredictor::space)) {
                throw refused(i, "word " + w + " is " + (word == null ? "null" : "'" + word + "'")
                        + "; expected a non-empty word without whitespace (words are pre-split, as CoNLL)");
            }
            wellFormed(word, "word " + w, i);
        }
        // the tags only fill the example: prediction reads no label
        return new TokenExample(id(i), words, Collections.nCopies(words.size(), task.labels().get(0)), source);
    }

    /**
     * Answers questions about contexts: each context is cut into windows with the task's length
     * and stride, and the answer is chosen over all its windows by {@link #qaPostProcessor()}: the
     * n-best and maximum answer length the folder records, those of the task's evaluation.
     *
     * <p>The text runs from the start offset of the start token to the end offset of the end token,
     * as HF's {@code run_qa.py} slices it with the tokenizer's {@code offset_mapping}, so a format
     * or control character the tokenizer drops after the last word (U+00AD, U+200B) stays out. One
     * difference: the end reaches over combining marks the normalizer removed right after the
     * token, so that BERT's accent stripping gives "Москва́" where HF gives "Москва".
     *
     * @param questions the questions, none empty
     * @param contexts their contexts, as many, none empty
     * @return one answer per question: its text, its offsets into the context (UTF-16 indexes, as
     *     {@code String.substring} takes them, not the code points Python and SQuAD count) and its
     *     score (start plus end logit); {@link QaAnswer#none()} when no window holds a valid span
     * @throws IllegalArgumentException if the task is not an extractive QA task, the lists differ in
     *     size, a text is empty, or a question leaves no room for its context in a window
     * @throws IllegalStateException if the model is closed
     */
    public List<QaAnswer> answer(List<String> questions, List<String> contexts) {
        return answer(questions, contexts, null);
    }

    /**
     * Answers questions, passing each refused question to {@code onRefused} instead of throwing,
     * so that the others are featurized and predicted once, in this call.
     *
     * @param questions the questions
     * @param contexts their contexts, as many
     * @param onRefused receives each refused question's exception, its index among {@code questions}; null to throw
     *     the first instead, as the overload without it does
     * @return one answer per question, in order, {@code null} for each refused question
     * @throws IllegalArgumentException if the task is not an extractive QA task or the lists differ
     *     in size
     * @throws IllegalStateException if the model is closed
     */
    public List<QaAnswer> answer(List<String> questions, List<String> contexts,
            Consumer<? super RefusedInputException> onRefused) {
        return owner.during(() -> {
            Objects.requireNonNull(questions, "questions");
            Objects.requireNonNull(contexts, "contexts");
            requireFormat("qa", "answer(questions, contexts)");
            if (questions.size() != contexts.size()) {
                throw new IllegalArgumentException("predictor: task " + task.name() + ": " + questions.size()
                        + " questions but " + contexts.size() + " contexts");
            }
            AdmittedInputs in = new AdmittedInputs(questions.size(), onRefused);
            for (int i = 0; i < questions.size(); i++) {
                int k = i;
                in.add(k, () -> new QaExample(id(k), text(questions.get(k), "question", k),
                        text(contexts.get(k), "context", k), List.of()));
            }
            QaAnswer[] out = new QaAnswer[questions.size()];
            if (in.examples.isEmpty()) {
                return Arrays.asList(out);
            }
            Features f = in.featurize(task, tokenizer);
            BatchedForward.Logits lg = forward.run(f, false);
            boolean[] nonFinite = refuseNonFinite(in, f, lg);
            List<QaAnswer> answers = ((ExtractiveQa) task.format()).answers(f, in.examples, lg.logits(), qaPostProcessor);
            for (int e = 0; e < answers.size(); e++) {
                if (!in.refusedByFeaturizer(e) && !nonFinite[e]) {
                    out[in.input(e)] = answers.get(e);
                }
            }
            return Arrays.asList(out);
        });
    }

    /**
     * Chooses among choices, one text pair per choice as the task was trained: the premise (with
     * its question after a space, when not empty) first, the choice second; the choice with the
     * largest logit wins, as the evaluation scores it.
     *
     * @param premises the premises, none empty
     * @param questions their questions (COPA's {@code cause} or {@code effect}), as many; {@code ""}
     *     for none
     * @param choices each premise's choices, as many as the task was trained with (where {@link
     *     #takesAnyChoiceCount()}, any number from 2, which may differ between premises), none empty
     * @return one prediction per premise, in order: the chosen index, the softmax over the choices
     *     and whether the task's maxLength cut a choice's row ({@link ChoicePrediction#cut()})
     * @throws IllegalArgumentException if the task is not a multiple-choice task, the lists differ
     *     in size, a premise or a choice is empty, a choice count differs from the task's (is below
     *     2 where {@link #takesAnyChoiceCount()}), or the
     *     tokenizer rejects a choice
     * @throws IllegalStateException if the model is closed
     */
    public List<ChoicePrediction> choose(List<String> premises, List<String> questions,
            List<? extends List<String>> choices) {
        return choose(premises, questions, choices, null);
    }

    /**
     * Chooses among choices, passing each refused premise to {@code onRefused} instead of throwing,
     * so that the others are featurized and predicted once, in this call.
     *
     * @param premises the premises
     * @param questions their questions, as many; {@code ""} for none
     * @param choices each premise's choices, as many
     * @param onRefused receives each refused premise's exception, its index among {@code premises}; null to throw
     *     the first instead, as the overload without it does
     * @return one prediction per premise, in order, {@code null} for each refused premise
     * @throws IllegalArgumentException if the task is not a multiple-choice task or the lists differ
     *     in size
     * @throws IllegalStateException if the model is closed
     */
    public List<ChoicePrediction> choose(List<String> premises, List<String> questions,
            List<? extends List<String>> choices, Consumer<? super RefusedInputException> onRefused) {
        return owner.during(() -> {
            Objects.requireNonNull(premises, "premises");
            Objects.requireNonNull(questions, "questions");
            Objects.requireNonNull(choices, "choices");
            requireFormat("choice", "choose(premises, questions, choices)");
            if (premises.size() != questions.size() || premises.size() != choices.size()) {
                throw new IllegalArgumentException("predictor: task " + task.name() + ": " + premises.size() + " premises, "
                        + questions.size() + " questions and " + choices.size() + " choice lists; expected as many of each");
            }
            AdmittedInputs in = new AdmittedInputs(premises.size(), onRefused);
            for (int i = 0; i < premises.size(); i++) {
                List<String> c = Objects.requireNonNull(choices.get(i), "choices " + i);
                int k = i;
                in.add(k, () -> premise(premises.get(k), questions.get(k), c, k));
            }
            ChoicePrediction[] out = new ChoicePrediction[premises.size()];
            if (in.examples.isEmpty()) {
                return Arrays.asList(out);
            }
            Features f = in.featurize(task, tokenizer);
            BatchedForward.Logits lg = forward.run(f, true);
            boolean[] nonFinite = refuseNonFinite(in, f, lg);
            // each entry is read over its own length: with any choice count, the questions' counts differ
            List<Integer> chosen = MultipleChoice.predictedChoices(f, in.examples, lg.logits());
            for (int u = 0; u < f.size(); u++) {
                int e = f.exampleIndex(u);
                if (nonFinite[e]) {
                    continue;
                }
                List<Double> p = new ArrayList<>(lg.probabilities().get(u).length);
                for (float v : lg.probabilities().get(u)) {
                    p.add((double) v);
                }
                out[in.input(e)] = new ChoicePrediction(chosen.get(e), p, ((ChoiceFeatures) f).truncated(u));
            }
            return Arrays.asList(out);
        });
    }

    /** A premise's example, its question and choices checked. */
    private Example premise(String premise, String question, List<String> c, int i) {
        if (takesAnyChoiceCount()) {
            // a softmax over one choice says 1 whatever the model scores: a missing choice, not a question
            if (c.size() < 2) {
                throw refused(i, Counts.counted(c.size(), "choice") + "; expected at least 2 choices");
            }
        } else if (c.size() != task.numLabels()) {
            throw refused(i, Counts.counted(c.size(), "choice") + "; expected the " + task.numLabels()
                    + " choices the task was trained with");
        }
        for (int k = 0; k < c.size(); k++) {
            if (blank(c.get(k))) {
                throw refused(i, "choice " + k + " is " + blankness(c.get(k))
                        + "; expected a non-empty choice");
            }
            wellFormed(c.get(k), "choice " + k, i);
        }
        wellFormed(Objects.requireNonNull(question, "question " + i), "the question", i);
        return new ChoiceExample(id(i), text(premise, "premise", i), question.strip(), c, -1);
    }

    private List<LabelPrediction> labels(AdmittedInputs in) {
        LabelPrediction[] out = new LabelPrediction[in.inputs];
        if (in.examples.isEmpty()) {
            return Arrays.asList(out);
        }
        Features f = in.featurize(task, tokenizer);
        BatchedForward.Logits lg = forward.run(f, true);
        boolean[] nonFinite = refuseNonFinite(in, f, lg);
        List<String> predicted = ((SequenceClassification) task.format()).predictedLabels(f, in.examples,
                task.labels(), lg.logits(), lg.width());
        for (int r = 0; r < f.size(); r++) {
            int e = f.exampleIndex(r);
            if (nonFinite[e]) {
                continue;
            }
            float[] p = lg.probabilities().get(r);
            Map<String, Double> byLabel = new LinkedHashMap<>();
            for (int k = 0; k < p.length; k++) {
                byLabel.put(task.labels().get(k), (double) p[k]);
            }
            boolean cut = ((ClassificationFeatures) f).truncated(r);
            out[in.input(e)] = new LabelPrediction(predicted.get(e), byLabel, cut);
        }
        return Arrays.asList(out);
    }

    /**
     * Refuses each example a unit of which has logits holding NaN or an infinity (a model whose
     * activations overflow float32): its arg-max would be the first label, as if predicted, or no
     * answer, with no number left to show it.
     *
     * @return per example, whether it was refused so
     */
    private boolean[] refuseNonFinite(AdmittedInputs in, Features f, BatchedForward.Logits lg) {
        boolean[] bad = new boolean[in.examples.size()];
        for (int u = 0; u < f.size(); u++) {
            if (lg.nonFinite()[u]) {
                bad[f.exampleIndex(u)] = true;
            }
        }
        for (int e = 0; e < bad.length; e++) {
            if (bad[e]) {
                in.refuse(refused(in.input(e), NON_FINITE));
            }
        }
        return bad;
    }

    private void requireFormat(String expected, String method) {
        boolean either = takesTextsAndPairs() && (expected.equals("text") || expected.equals("text-pair"));
        if (!either && !task.format().label().equals(expected)) {
            throw new IllegalArgumentException("predictor: task " + task.name() + " is a " + task.format().label()
                    + " task, and " + method + " serves " + expected + " tasks; call " + takes(task.format()));
        }
    }

    /** The method a format's inputs go to, for refusals. */
    private static String takes(TaskFormat format) {
        return switch (format.label()) {
            case "text" -> "classify(texts) with single texts";
            case "text-pair" -> "classifyPairs(texts, pairs) with text pairs";
            case "token" -> "tag(sentences) with pre-split words, or tagTexts(texts) with raw texts";
            case "qa" -> "answer(questions, contexts) with questions and contexts";
            default -> "choose(premises, questions, choices) with premises and their choices";
        };
    }

    /** What a refused blank input is, so that "   " is not called empty. */
    private static String blankness(String s) {
        return s == null ? "null" : s.isEmpty() ? "empty" : "only whitespace";
    }

    /**
     * Whether a text is null, empty or only whitespace, the no-break spaces (U+00A0, U+2007,
     * U+202F) included: Unicode and BERT's tokenizer count them as whitespace, {@code
     * String.isBlank} does not, and a text of them (an HTML {@code &nbsp;}) was classified.
     */
    private static boolean blank(String s) {
        return s == null || s.codePoints().allMatch(TaskPredictor::space);
    }

    /** Java's whitespace or a Unicode space separator, the no-break ones included. */
    private static boolean space(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private String text(String s, String what, int index) {
        if (blank(s)) {
            throw refused(index, "the " + what + " is " + blankness(s) + "; expected a non-empty " + what);
        }
        return wellFormed(s, "the " + what, index);
    }

    /**
     * Refuses a lone surrogate here, by the tokenizer's own test, where the input's index can be
     * named: the featurizer counts the tokenizer's refusal under one reason, without its position.
     */
    private String wellFormed(String s, String what, int index) {
        int k = SubwordTokenizer.unpairedSurrogate(s);
        if (k >= 0) {
            String code = Integer.toHexString(s.charAt(k)).toUpperCase(Locale.ROOT);
            throw refused(index, what + " holds an unpaired surrogate U+" + code + " at char " + k
                    + "; expected well-formed UTF-16, each character a valid Unicode scalar");
        }
        return s;
    }

    /** Why an input whose logits hold NaN or an infinity is refused. */
    static final String NON_FINITE = "the model's outputs hold NaN or an infinity (its logits for this input);"
            + " expected finite outputs (the model's activations overflow float32 on this input)";

    private RefusedInputException refused(int index, String why) {
        return new RefusedInputException(task.name(), index, why, "");
    }

    private static String id(int index) {
        return Integer.toString(index);
    }

    /** The tokenizer new text is featurized with; this package's tests read its ids. */
    SubwordTokenizer tokenizer() {
        return tokenizer;
    }
}
