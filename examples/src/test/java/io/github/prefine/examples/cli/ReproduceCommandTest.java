package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import io.github.prefine.core.grid.GridSummary;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reproduce and demo commands are registered and document their options. */
class ReproduceCommandTest {
    private static String help(String command) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, PrefineCli.execute(command, "--help"));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reproduceHelpListsEveryKnob() {
        String h = help("reproduce");
        for (String o : new String[] {"--data", "--encoder", "--groups", "--targets", "--seeds", "--lr", "--batch-size",
            "--max-length", "--qa-max-length", "--device", "--out", "--strict", "--max-train-examples", "--epochs",
            "--target-batch-size", "--report-split", "--lr-selection", "--schedule-epochs", "--target-schedule-epochs",
            "--allow-partial", "--alpha"}) {
            assertTrue(h.contains(o), o);
        }
        assertTrue(h.contains("FacebookAI/xlm-roberta-base"));
    }

    @Test
    void demoHelpMentionsMiniLm() {
        assertTrue(help("demo").contains("--minilm"));
        // the same level as reproduce's, with the same help
        String reproduce = help("reproduce").replaceAll("\\s+", " ");
        int at = reproduce.indexOf("--alpha=<alpha> "); // its option line, not the synopsis
        String alpha = reproduce.substring(at, reproduce.indexOf("(default: 0.05)", at));
        assertTrue(alpha.contains("Holm-adjusted p"), alpha);
        assertTrue(help("demo").replaceAll("\\s+", " ").contains(alpha), help("demo"));
    }

    @Test
    void theOrderOfGroupsDoesNotRenameTheSettings() {
        // combinations are named in the registry's group order, as Table 1's columns and the verdicts use them
        for (String order : java.util.List.of("SL,QA,C", "C,QA,SL", "qa,c,sl")) {
            ReproduceCommand c = new ReproduceCommand();
            new picocli.CommandLine(c).parseArgs("--groups", order);
            assertEquals(java.util.List.of("Only-SL", "Only-QA", "Only-C", "SL+QA", "SL+C", "QA+C", "SL+QA+C"),
                    io.github.prefine.core.task.TaskRegistry.combinations(c.groups()).stream()
                            .map(io.github.prefine.core.task.GroupCombination::name).toList(), order);
        }
    }
    @Test
    void aTargetWhoseDataIsPresentButUnusableIsNotListedAsMissingData() {
        // what a run left out with --qa-max-length 24 --qa-stride 16: QA examples whose question
        // leaves no room were all skipped; the summary said "Skipped for missing data: qqp, xquad-en"
        Map<String, List<String>> left = new LinkedHashMap<>();
        left.put("qqp", List.of("/data/cls/glue_qqp/train.tsv", "/data/cls/glue_qqp/dev.tsv"));
        left.put("xquad-en", List.of(GridSummary.UNFEATURIZABLE + "task xquad-en: featurization skipped all 16 training"
                + " examples {question leaves the context no more tokens than the stride at this max length=16}"));

        assertEquals(List.of("Skipped for missing data: qqp",
                "Left out, its data cannot be used: task xquad-en: featurization skipped all 16 training examples"
                        + " {question leaves the context no more tokens than the stride at this max length=16}"),
                ReproduceCommand.skippedLines(left));
        assertEquals(List.of(), ReproduceCommand.skippedLines(Map.of()));
    }
}
