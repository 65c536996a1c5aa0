package io.github.prefine.core.features;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.TaskCatalog;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.testing.ConcurrentCalls;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The featurizers say "immutable and thread-safe; the given tokenizer is not owned", and {@link
 * SubwordTokenizer} that "the native tokenizer encodes from several threads at once". One
 * featurizer per format over one shared all-MiniLM tokenizer, called from {@link
 * ConcurrentCalls#THREADS} threads at once on real task data, gives the features one thread gives:
 * every unit's padded ids, type ids, mask and targets, its example, and the report.
 */
class FeaturizerConcurrencyTest {
    /**
     * Rounds of 16 threads per featurizer: within each, the threads run the tokenizer and the
     * featurizer side by side on both cores and are switched out mid-call; 24 rounds took most of
     * this class's time and repeated the same interleavings.
     */
    private static final int ROUNDS = 6;
    /** Examples per task: enough for many batches of the native tokenizer, few enough for 16 threads on 2 cores. */
    private static final int EXAMPLES = 16;

    @Test
    void featurizersSharingOneTokenizerAnswerAsOnOneThread() throws Exception {
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("models/all-MiniLM-L6-v2/tokenizer.json")).build()) {
            TaskData wnut = load("wnut17");
            TokenClassificationFeaturizer sl = TokenClassificationFeaturizer.builder().setTokenizer(tok)
                    .setLabels(wnut.labels()).optMaxLength(32).build();
            List<TokenExample> slExamples = sample(wnut, TokenExample.class);
            agree("wnut17", () -> sl.featurize(slExamples));

            TaskData rte = load("rte");
            ClassificationFeaturizer cls = ClassificationFeaturizer.builder().setTokenizer(tok).setLabels(rte.labels())
                    .optMaxLength(64).build();
            List<TextExample> clsExamples = sample(rte, TextExample.class);
            agree("rte", () -> cls.featurize(clsExamples));

            TaskData copa = load("copa");
            ChoiceFeaturizer choice = ChoiceFeaturizer.builder().setTokenizer(tok).optMaxLength(32).build();
            List<ChoiceExample> choiceExamples = sample(copa, ChoiceExample.class);
            agree("copa", () -> choice.featurize(choiceExamples));

            TaskData xquad = load("xquad-en");
            // short windows and a short stride, so most contexts span several windows
            QaFeaturizer qa = QaFeaturizer.builder().setTokenizer(tok).optMaxLength(96).optStride(32).build();
            List<QaExample> qaExamples = sample(xquad, QaExample.class);
            agree("xquad-en", () -> qa.featurize(qaExamples));
        }
    }

    private static TaskData load(String task) throws IOException {
        return TaskCatalog.task(task).load(SharedFixtures.require("data"), Leniency.STRICT);
    }

    /** The first examples of the first split that has any. */
    private static <E extends Example> List<E> sample(TaskData d, Class<E> type) {
        for (Split s : Split.values()) {
            List<Example> all = d.split(s);
            if (!all.isEmpty()) {
                List<E> out = new ArrayList<>();
                all.subList(0, Math.min(EXAMPLES, all.size())).forEach(e -> out.add(type.cast(e)));
                return out;
            }
        }
        throw new IllegalStateException("no examples in " + d.task());
    }

    private static void agree(String what, Callable<Features> featurize) throws Exception {
        ConcurrentCalls.agree(what, ROUNDS, () -> fingerprint(featurize.call()));
    }

    /** Everything a trainer reads from the features, as comparable values. */
    private static List<Object> fingerprint(Features f) {
        int[] units = IntStream.range(0, f.size()).toArray();
        PaddedBatch b = f.batch(units);
        return List.of(f.size(), Arrays.toString(b.inputIds()), Arrays.toString(b.typeIds()),
                Arrays.toString(b.attentionMask()), String.valueOf(Arrays.toString(b.labels())),
                String.valueOf(Arrays.toString(b.startPositions())), String.valueOf(Arrays.toString(b.endPositions())),
                Arrays.toString(IntStream.of(units).map(f::exampleIndex).toArray()), f.report());
    }
}
