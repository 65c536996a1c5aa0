package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Split;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.transfer.EmbeddingMethod;
import io.github.prefine.core.transfer.EmbeddingStore;
import io.github.prefine.core.transfer.TaskEmbedder;
import io.github.prefine.core.transfer.TransferAgreement;
import io.github.prefine.core.transfer.TransferRanking;
import io.github.prefine.eval.report.ResultLog;
import io.github.prefine.eval.report.ResultSet;
import io.github.prefine.eval.report.RunRecord;
import io.github.prefine.examples.demo.SyntheticSuite;
import io.github.prefine.examples.demo.SyntheticTaskSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The recommender on the demo's synthetic suite, where the answer is built in: each target reuses
 * the knowledge of its own group (SL entity words, C sentiment words, QA relation spans), so the
 * target's own group must rank first, under at least one method, for every target.
 */
class RecommendCommandTest {
    @TempDir
    static Path dir;
    static Map<EmbeddingMethod, List<TransferRanking>> rankings = new LinkedHashMap<>();
    static SyntheticTaskSet set;

    @BeforeAll
    static void rankSyntheticTargets() throws Exception {
        SyntheticSuite suite = SyntheticSuite.generate(7, SyntheticSuite.Sizes.demo());
        set = SyntheticTaskSet.of(suite);
        Path encoder = DemoCommand.demoEncoder(suite, dir.resolve("base-encoder"), false);
        StringWriter log = new StringWriter();
        try (NDManager m = NDManager.newBaseManager()) {
            for (EmbeddingMethod method : EmbeddingMethod.values()) {
                TaskEmbedder.Builder b = TaskEmbedder.builder().setManager(m).setEncoder(encoder)
                        .optFisherExamples(128).optHeadSteps(50).optMaxTextRows(300)
                        .optStore(EmbeddingStore.open(dir.resolve("cache")));
                List<TransferRanking> r = RecommendCommand.rank(b, set.data(), set.prefinetuning(), set.targets(),
                        EnumSet.of(method), false, new FeatureSettings(64, 64, 16, 0, 1, 1L), new PrintWriter(log), List.of());
                rankings.put(method, r);
                for (TransferRanking t : r) {
                    StringWriter s = new StringWriter();
                    RecommendCommand.print(new PrintWriter(s, true), t);
                    System.out.print(s); // the rankings, for the record in the test report
                }
            }
        }
    }

    @Test
    void aGroupWeighsWhatProportionalSamplingDrawsOfIt() throws Exception {
        // windows of 12 tokens with stride 2: most QA examples make several units
        FeatureSettings windows = new FeatureSettings(64, 12, 2, 0, 1, 1L);
        Map<String, Long> units = new LinkedHashMap<>();
        Map<String, Long> examples = new LinkedHashMap<>();
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(dir.resolve("base-encoder").resolve(EncoderCheckpoint.TOKENIZER_FILE)).build()) {
            for (Task t : set.prefinetuning()) {
                TaskData d = set.data().load(t);
                units.merge(t.group().name(), (long) FeaturizedTask.featurize(d, tok, windows).features()
                        .get(Split.TRAIN).size(), Long::sum);
                examples.merge(t.group().name(), (long) d.split(Split.TRAIN).size(), Long::sum);
            }
        }
        assertTrue(units.get("QA") > examples.get("QA"), units + " against " + examples);
        List<TransferRanking> r;
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEmbedder.Builder b = TaskEmbedder.builder().setManager(m).setEncoder(dir.resolve("base-encoder"))
                    .optMaxTextRows(20);
            r = RecommendCommand.rank(b, set.data(), set.prefinetuning(), set.targets().subList(0, 1),
                    EnumSet.of(EmbeddingMethod.TEXT_EMB), false, windows, new PrintWriter(new StringWriter()), List.of());
        }
        for (TransferRanking.ScoredGroup g : r.get(0).groups()) {
            assertEquals(units.get(g.group()), g.size(), g.group());
        }
    }

    @Test
    void everyTargetsOwnGroupRanksFirstUnderSomeMethod() {
        List<String> wrong = new ArrayList<>();
        for (Task target : set.targets()) {
            boolean first = false;
            StringBuilder seen = new StringBuilder();
            for (Map.Entry<EmbeddingMethod, List<TransferRanking>> e : rankings.entrySet()) {
                TransferRanking r = e.getValue().stream().filter(x -> x.target().equals(target.name())).findFirst()
                        .orElseThrow();
                first |= r.topGroup().group().equals(target.group().name());
                seen.append(e.getKey().cliName()).append(" -> ").append(r.topGroup().group()).append(' ');
            }
            if (!first) {
                wrong.add(target.name() + " (" + target.group() + "): " + seen);
            }
        }
        assertEquals(set.targets().size(), rankings.get(EmbeddingMethod.TEXT_EMB).size());
        assertTrue(wrong.isEmpty(), "own group not first: " + wrong);
    }

    /**
     * A setting the agreement leaves out is said so under its target's row: one pre-finetuned on a
     * group the ranking has no source task for, or whose name names no groups, was dropped from
     * the "settings" count without a word. Ground truth: the demo's groups are SL, QA and C, so
     * Only-X and SL+X have no prediction, and "SL+" names no groups; QA+X (no X data) was
     * pre-finetuned on QA alone and is kept.
     */
    @Test
    void settingsLeftOutOfTheAgreementAreCountedUnderTheirTarget() {
        TransferRanking r = rankings.get(EmbeddingMethod.TEXT_EMB).get(0);
        List<RunRecord> runs = new ArrayList<>();
        double v = 50;
        for (String s : List.of("Baseline", "Only-SL", "Only-C", "Only-X", "SL+X", "SL+", "QA+X (no X data)")) {
            runs.add(new RunRecord(s, r.target(), "SL", 1, v++));
        }
        StringWriter out = new StringWriter();
        List<TransferAgreement> all = RecommendCommand.printAgreement(new PrintWriter(out, true), List.of(r),
                new ResultSet(runs, List.of()));
        assertEquals(3, all.get(0).skippedSettings());
        assertEquals(List.of("Only-SL", "Only-C", "QA+X (no X data)"), all.get(0).settings());
        String text = out.toString();
        assertTrue(text.lines().anyMatch(l -> l.equals("  " + r.target() + ": 3 settings left out, with no prediction:"
                + " a group they were pre-finetuned on has no source task, or the name names no groups")), text);
    }

    @Test
    void commandPrintsRankingAndAgreementFromTheCache() throws Exception {
        // a result log where the related group measured best: SL 80 > C 60 > QA 50, SL+C 75
        Path results = dir.resolve("results.jsonl");
        String target = "syn-sl-target-all";
        for (String[] s : new String[][] {{"Baseline", "40"}, {"Only-SL", "80"}, {"Only-C", "60"}, {"Only-QA", "50"}, {"SL+C", "75"}}) {
            ResultLog.append(results, new RunRecord(s[0], target, "SL", 1, Double.parseDouble(s[1])));
        }
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new RecommendCommand());
        cl.setOut(new PrintWriter(out));
        int rc = cl.execute("--data", "demo", "--target", target, "--method", "textemb",
                "--max-text-rows", "300", "--out", dir.toString(),
                "--against", results.toString());
        String text = out.toString();
        assertEquals(0, rc, text);
        assertTrue(text.contains("Target " + target + " (textemb)"), text);
        assertTrue(text.contains("time: "), text);
        TransferRanking r = rankings.get(EmbeddingMethod.TEXT_EMB).stream().filter(x -> x.target().equals(target))
                .findFirst().orElseThrow();
        assertTrue(text.contains("1. " + r.topGroup().group()), text);
        String expectedBest = r.topGroup().group().equals("SL") ? "yes" : "no (SL)";
        assertTrue(text.lines().anyMatch(l -> l.trim().startsWith(target) && l.contains(expectedBest)), text);
    }
}
