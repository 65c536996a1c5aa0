package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSource;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QA featurizer passes over a kept question's gold answers that cover no context token (one
 * of only whitespace) before its target, and counts them ({@link QaFeaturizer#ANSWERS_PASSED_OVER}),
 * but the data report copied only the words cut and the answers in no single window from its
 * counters: the answers passed over were in no report. They are now parts of examples dropped, as
 * those are. Ground truth: the answers of the files written here, by hand.
 */
class AnswersPassedOverReportTest {
    @Test
    void answersPassedOverBeforeTheTargetArePartsDroppedInTheDataReport(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("qa"));
        // train: the first answer " " (the space at 1) covers no token, the second "a b" is the target;
        // dev: two blank answers (the spaces at 3 and 5) before "d"
        String squad = "{\"data\":[{\"title\":\"t\",\"paragraphs\":[{\"context\":\"a b c d\",\"qas\":[{\"id\":\"%s\","
                + "\"question\":\"x\",\"answers\":[%s]}]}]}]}";
        Files.writeString(root.resolve("qa/train.json"), String.format(java.util.Locale.ROOT, squad, "q1",
                "{\"text\":\" \",\"answer_start\":1},{\"text\":\"a b\",\"answer_start\":0}"));
        Files.writeString(root.resolve("qa/dev.json"), String.format(java.util.Locale.ROOT, squad, "q2",
                "{\"text\":\" \",\"answer_start\":3},{\"text\":\" \",\"answer_start\":5},{\"text\":\"d\",\"answer_start\":6}"));
        Task t = Task.builder().setName("qa").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1).setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/train.json", new SquadReader())
                        .add(Split.VALIDATION, "qa/dev.json", new SquadReader()).build())
                .build();
        TaskData d = t.load(root, Leniency.LENIENT);
        DataReport.TaskReads r;
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(WordTokenizer.write(root.resolve("t.json"),
                List.of("a", "b", "c", "d", "x"))).build()) {
            r = GridTasks.withFeatureSkips(DataReport.TaskReads.of(d),
                    FeaturizedTask.featurize(d, tok, new FeatureSettings(16, 16, 4, 0, 0, 1L)));
        }
        String passed = QaFeaturizer.ANSWERS_PASSED_OVER;
        assertEquals(Map.of(passed, 1), r.files().get("features/train").skipped());
        assertEquals(Map.of(passed, 2), r.files().get("features/validation").skipped());
        assertEquals(Map.of(passed, 3), r.partsDroppedByReason());
        assertEquals(0, r.dropped(), "both questions are kept");
        assertEquals(List.of("Data: 0 dropped, 0 kept but flagged, in 1 task read; samples with file and line in r.json",
                "  qa: parts of examples dropped: " + passed + " 3"), new DataReport(Map.of("qa", r)).summary("r.json"));
    }
}
