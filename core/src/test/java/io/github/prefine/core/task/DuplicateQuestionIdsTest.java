package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MrqaReader;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.QedReader;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeatures;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.testing.TestFiles;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.evaluator.Evaluator;
import io.github.prefine.eval.metrics.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two questions sharing an id. SQuAD's official script keys predictions by id, so such a file
 * collapses two answers into one; prefine scores by position (each question against its own
 * answers, whatever its id), so both are kept, and the readers flag the repeat, naming both
 * places, where it passed unseen. The shared SQuAD, XQuAD, Adversarial SQuAD and QED files hold no
 * repeated id ({@code SharedDataTest}).
 */
class DuplicateQuestionIdsTest {
    @TempDir
    Path dir;

    private static String question(String id, String question, String answer, int start) {
        return "{\"id\":\"" + id + "\",\"question\":\"" + question + "\",\"answers\":[{\"text\":\"" + answer
                + "\",\"answer_start\":" + start + "}]}";
    }

    /** Three questions, the first and third sharing the id "q1", with other contexts and answers. */
    private Path squad() throws IOException {
        return TestFiles.write(dir, "squad/dup.json", "{\"data\":[{\"paragraphs\":["
                + "{\"context\":\"Denver won the game.\",\"qas\":[" + question("q1", "Who won?", "Denver", 0) + ","
                + question("q2", "What did Denver win?", "the game", 11) + "]},"
                + "{\"context\":\"Paris is in France.\",\"qas\":[" + question("q1", "Where is Paris?", "France", 12)
                + "]}]}]}");
    }

    @Test
    void squadKeepsBothQuestionsAndFlagsTheRepeatNamingBothPlaces() throws IOException {
        Path f = squad();
        for (Leniency l : Leniency.values()) {
            ReadResult<QaExample> r = new SquadReader().read(f, l);
            assertEquals(List.of("Denver won the game.", "Denver won the game.", "Paris is in France."),
                    r.examples().stream().map(QaExample::context).toList(), l.name());
            assertEquals(1, r.report().flagged(SquadReader.DUPLICATE_ID), l.name());
            assertEquals(List.of("squad/dup.json $.data[0].paragraphs[1].qas[0].id: expected a question id not used"
                    + " before (an id-keyed predictions file holds one answer per id; prefine scores by position),"
                    + " found \"q1\" again, first at $.data[0].paragraphs[0].qas[0].id"),
                    r.report().samples(SquadReader.DUPLICATE_ID), l.name());
        }
    }

    @Test
    void mrqaAndQedFlagTheRepeatAtItsLineNamingTheFirstLine() throws IOException {
        String ctx = "{\"context\":\"Denver won.\",\"qas\":[{\"qid\":\"x\",\"question\":\"Who won?\","
                + "\"detected_answers\":[{\"text\":\"Denver\",\"char_spans\":[[0,5]]}]}]}\n";
        Path m = TestFiles.write(dir, "mrqa/dev.jsonl", "{\"header\":{\"dataset\":\"t\"}}\n" + ctx + ctx);
        ReadResult<QaExample> r = new MrqaReader().read(m, Leniency.STRICT);
        assertEquals(2, r.examples().size());
        assertEquals(List.of("mrqa/dev.jsonl:3: expected $.qas[0].qid to be a question id not used before (an"
                + " id-keyed predictions file holds one answer per id; prefine scores by position), found \"x\""
                + " again, first at line 2, $.qas[0].qid"), r.report().samples(MrqaReader.DUPLICATE_ID));

        String line = "{\"example_id\":7,\"question_text\":\"who won\",\"paragraph_text\":\"Denver won.\","
                + "\"annotation\":{\"answer\":[{\"paragraph_reference\":{\"start\":0,\"end\":6,\"string\":\"Denver\"}}]},"
                + "\"original_nq_answers\":[]}\n";
        Path q = TestFiles.write(dir, "qed/dev.jsonlines", line + line);
        ReadResult<QaExample> qr = new QedReader().read(q, Leniency.STRICT);
        assertEquals(2, qr.examples().size());
        assertEquals(List.of("qed/dev.jsonlines:2: expected $.example_id to be a question id not used before (an"
                + " id-keyed predictions file holds one answer per id; prefine scores by position), found \"7\""
                + " again, first at line 1, $.example_id"), qr.report().samples(QedReader.DUPLICATE_ID));
    }

    /**
     * Scoring goes by position: with logits one-hot on each question's own target, every question
     * scores exact match 1 against its own answers, the two "q1"s included (keyed by id, one of
     * them would be scored against the other's answer, "Denver" against "France": 2 of 3).
     */
    @Test
    void questionsSharingAnIdAreEachScoredAgainstTheirOwnAnswers() throws IOException {
        List<Example> examples = new ArrayList<>(new SquadReader().read(squad(), Leniency.STRICT).examples());
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json")).build()) {
            ExtractiveQa qa = new ExtractiveQa();
            QaFeatures f = (QaFeatures) qa.featurize(examples, List.of(), tok, FeatureSettings.paper(), "dup");
            List<float[]> logits = QaAnswerOffsetsTest.oneHotOnTargets(f);
            assertEquals(List.of("Denver", "the game", "France"),
                    qa.answers(f, examples, logits).stream().map(a -> a.text()).toList());
            double em = qa.score(f, examples, List.of(), logits, 2,
                    Evaluator.builder().setMetric(MetricType.SQUAD_EM).build()).percent();
            assertEquals(100.0, em, 1e-9);
        }
    }
}
