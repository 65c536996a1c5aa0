package io.github.prefine.eval.qa;

import com.google.gson.JsonParser;
import io.github.prefine.eval.testing.ConcurrentCalls;
import io.github.prefine.eval.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The class Javadoc of {@link QaPostProcessor}: "immutable and thread-safe". One post-processor
 * shared by {@link ConcurrentCalls#THREADS} threads picks, over a real SQuAD context cut into
 * overlapping windows of whitespace tokens with seeded logits, the answers one thread picks.
 */
class QaPostProcessorConcurrencyTest {
    @Test
    void aSharedPostProcessorAnswersAsOnOneThread() throws Exception {
        String context = JsonParser.parseString(Files.readString(SharedData.require("data/qa/squad_v1.1/dev-v1.1.json"),
                StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonArray("data").get(0).getAsJsonObject()
                .getAsJsonArray("paragraphs").get(0).getAsJsonObject().get("context").getAsString();
        List<int[]> words = new ArrayList<>();
        for (int i = 0; i < context.length(); ) {
            int end = context.indexOf(' ', i);
            end = end < 0 ? context.length() : end;
            words.add(new int[] {i, end});
            i = end + 1;
        }
        SplittableRandom rnd = new SplittableRandom(17);
        List<List<QaWindow>> questions = new ArrayList<>();
        for (int q = 0; q < 50; q++) {
            List<QaWindow> windows = new ArrayList<>();
            // windows of 48 words, 16 shared with the next; position 0 stands for [CLS], outside the context
            for (int from = 0; from < words.size(); from += 32) {
                int n = Math.min(48, words.size() - from) + 1;
                float[] start = new float[n];
                float[] end = new float[n];
                int[] cs = new int[n];
                int[] ce = new int[n];
                boolean[] mask = new boolean[n];
                for (int p = 0; p < n; p++) {
                    start[p] = (float) rnd.nextGaussian();
                    end[p] = (float) rnd.nextGaussian();
                    if (p > 0) {
                        cs[p] = words.get(from + p - 1)[0];
                        ce[p] = words.get(from + p - 1)[1];
                        mask[p] = true;
                    }
                }
                windows.add(new QaWindow(start, end, cs, ce, mask));
            }
            questions.add(windows);
        }
        QaPostProcessor pp = QaPostProcessor.builder().optMaxAnswerLength(12).build();
        ConcurrentCalls.agree("QA answers", 24, () -> {
            List<QaAnswer> answers = new ArrayList<>();
            for (List<QaWindow> w : questions) {
                answers.add(pp.answer(context, w));
            }
            return answers;
        });
    }
}
