package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tables of docs/data-layout.md give, for each of the catalog's 41 tasks, the files it reads
 * under a data root; {@link TaskCatalog} is where they are read from. A moved or renamed file in
 * either otherwise goes unnoticed until someone lays data out by the page.
 */
class DocCatalogTableTest {

    private static final Pattern HOLD_OUT = Pattern.compile("4:1 of `([^`]+)`");

    /**
     * The files of each task's row, as split name to path: {@code …/x} is {@code x} in the train
     * file's folder, {@code 4:1 of `f`} a hold-out of {@code f}, {@code –} and {@code (same)} no file.
     */
    static Map<String, Map<String, String>> rows(List<String> lines) {
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines) {
            if (!line.startsWith("| ") || line.startsWith("| task")) {
                continue;
            }
            String[] c = line.strip().replaceAll("^\\||\\|$", "").split("\\|");
            if (c.length < 7 || !c[2].contains("`") || rows.containsKey(c[0].strip())) {
                continue; // not a table of files, or a later table's row
            }
            Map<String, String> files = new LinkedHashMap<>();
            Matcher h = HOLD_OUT.matcher(c[2].strip());
            if (h.matches()) {
                files.put("HOLDOUT", h.group(1));
            } else {
                String train = c[2].strip().replace("`", "");
                files.put("TRAIN", train);
                String folder = train.substring(0, train.lastIndexOf('/'));
                String[][] others = {{"VALIDATION", c[3]}, {"TEST", c[4]}};
                for (String[] o : others) {
                    String cell = o[1].strip();
                    if (!cell.equals("–") && !cell.equals("(same)")) {
                        files.put(o[0], cell.replace("`", "").replace("…", folder));
                    }
                }
            }
            rows.put(c[0].strip(), files);
        }
        return rows;
    }

    static Map<String, String> catalogFiles(Task t) {
        Map<String, String> files = new LinkedHashMap<>();
        t.source().holdOut().ifPresent(h -> files.put("HOLDOUT", h.path()));
        t.source().splits().forEach((split, s) -> files.put(split.name(), s.path()));
        return files;
    }

    @Test
    void everyCatalogTasksFilesAreThoseOfItsRow() {
        Map<String, Map<String, String>> rows = rows(ProjectDocs.read("docs/data-layout.md").lines());
        List<Task> tasks = new ArrayList<>(TaskCatalog.prefinetuning());
        tasks.addAll(TaskCatalog.targets());
        List<String> problems = new ArrayList<>();
        for (Task t : tasks) {
            Map<String, String> row = rows.remove(t.name());
            if (row == null) {
                problems.add(t.name() + ": no row in docs/data-layout.md");
            } else if (!row.equals(catalogFiles(t))) {
                problems.add(t.name() + ": the page says " + row + ", TaskCatalog reads " + catalogFiles(t));
            }
        }
        rows.keySet().forEach(n -> problems.add(n + ": a row for a task TaskCatalog does not have"));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(41, tasks.size());
    }

    @Test
    void readsTheRowsAsTheyAreWritten() {
        Map<String, Map<String, String>> rows = rows(List.of(
                "| task | group | train | validation | test | reader options | in shared data |",
                "| conll2002-es | SL | `sl/conll2002/es/esp.train` | `…/esp.testa` | `…/esp.testb` | whitespace | yes |",
                "| anem | SL | `sl/anem/AnEM.train` | – | `sl/anem/AnEM.test` | TAB (4 columns) | yes |",
                "| qed | QA | 4:1 of `qa/qed/qed-dev.jsonlines` | (same) | – | | yes |",
                "| anem | 2,815 | 2,815 | 0 | 0.35 | 0.09 | 1.8 → 0.7 |"));
        assertEquals(Map.of("TRAIN", "sl/conll2002/es/esp.train", "VALIDATION", "sl/conll2002/es/esp.testa", "TEST",
                "sl/conll2002/es/esp.testb"), rows.get("conll2002-es"));
        assertEquals(Map.of("TRAIN", "sl/anem/AnEM.train", "TEST", "sl/anem/AnEM.test"), rows.get("anem"));
        assertEquals(Map.of("HOLDOUT", "qa/qed/qed-dev.jsonlines"), rows.get("qed"));
        // a planted move: the page's file differs from the catalog's
        Task anem = TaskCatalog.prefinetuning().stream().filter(t -> t.name().equals("anem")).findFirst().orElseThrow();
        assertEquals(rows.get("anem"), catalogFiles(anem));
        Map<String, Map<String, String>> moved = rows(List.of(
                "| anem | SL | `sl/anem/AnEM.train` | – | `sl/anem/AnEM.dev` | TAB (4 columns) | yes |"));
        assertFalse(moved.get("anem").equals(catalogFiles(anem)));
    }
}
