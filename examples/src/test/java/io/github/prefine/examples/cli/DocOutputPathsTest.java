package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.docs.ProjectDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every path inside a run's output folder that README.md and docs/*.md name in code
 * ({@code `--out/run.json`}, {@code `finetune/run-<setting>-<target>-seed<N>/lr-<rate>.json`},
 * {@code `prefinetune/…/lr-…/`}) is where a real {@code demo} run puts a file or folder: a
 * {@code <placeholder>} or {@code …} stands for one path segment or part of one. The run is {@link
 * DemoFixture}'s default demo restarted with {@code --export-models best}, shared with
 * DemoExportTest. The paths of a folder's other users (Spark's leases, a live lock's holder note,
 * recommend's cache) are listed below with the reason they are not checked here.
 */
@ExtendWith(DemoFixture.class)
class DocOutputPathsTest {

    /** The top-level names of a grid's output folder, after an optional {@code --out/} or {@code demo-out/}. */
    private static final Pattern RUN_PATH = Pattern.compile(
            "(?:--out/|demo-out/)?(?:prefinetune|finetune|models|records|locks|run\\.json|results\\.jsonl|data-report\\.json"
                    + "|table[12]\\.(?:md|csv|json)|cost\\.(?:md|csv|json)|base-encoder)(?:/.*)?");

    /** Documented paths that a local demo does not write, and why. */
    private static final Map<String, String> NOT_HERE = Map.of(
            "locks/UNIT.lease", "Spark's lease on a mirrored folder (UnitLeaseTest)",
            "locks/UNIT.beat-TOKEN", "Spark's lease heartbeat (UnitLeaseTest)",
            "locks/UNIT.lock.holder", "exists only while a unit's lock is held (UnitLockTest)",
            "records/*.failed", "a failed sweep's marker, which a demo that fails nothing never writes (GridFolderTest)",
            "models/all-MiniLM-L6-v2", "the shared folder's models, not a run's");

    /** A documented path as a pattern over the paths of an output folder (folders end with {@code /}). */
    static Pattern pattern(String documented) {
        String p = documented.replaceFirst("^(--out/|demo-out/)", "");
        StringBuilder regex = new StringBuilder();
        for (String piece : p.split("(?=<[^<>/]+>|…)|(?<=>)|(?<=…)")) {
            regex.append(piece.matches("<[^<>/]+>|…") ? "[^/]+" : Pattern.quote(piece));
        }
        return Pattern.compile(regex.toString());
    }

    /** The documented paths: code spans of README.md and docs/*.md that lie inside an output folder. */
    static List<ProjectDocs.Span> documented() {
        List<ProjectDocs.Span> out = new ArrayList<>();
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            for (ProjectDocs.Span s : ProjectDocs.spans(doc)) {
                if (RUN_PATH.matcher(s.text()).matches() && s.text().contains("/")) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p).toString().replace('\\', '/') + (Files.isDirectory(p) ? "/" : "")).toList();
        }
    }

    static Optional<String> problem(ProjectDocs.Span s, List<String> tree) {
        String key = s.text().replaceFirst("^(--out/|demo-out/)", "");
        if (NOT_HERE.containsKey(key)) {
            return Optional.empty();
        }
        Pattern p = pattern(s.text());
        // a folder named without its closing slash is still the folder
        return tree.stream().anyMatch(t -> p.matcher(t).matches() || p.matcher(t.replaceFirst("/$", "")).matches())
                ? Optional.empty()
                : Optional.of(s.where() + ": `" + s.text() + "` matches nothing a demo run writes");
    }

    /** The folder of a finished demo restarted with {@code --export-models best}: DemoExportTest checks that run. */
    @Test
    void everyDocumentedOutputPathIsWhereADemoRunWrites(DemoFixture.Exported exported) throws Exception {
        DemoFolderTest.Run run = exported.run();
        assertEquals(0, run.exit(), run.printed());
        List<String> tree = tree(exported.folder());
        List<ProjectDocs.Span> spans = documented();
        List<String> problems = spans.stream().map(s -> problem(s, tree)).flatMap(Optional::stream).toList();
        assertTrue(problems.isEmpty(), "documented paths that a demo run does not write:\n" + String.join("\n", problems)
                + "\nthe run wrote, among others:\n" + String.join("\n", tree.stream().filter(t -> !t.startsWith("locks/")
                        && !t.startsWith("records/")).limit(60).toList()));
        // README and docs name some twenty: finding few means the extraction broke
        assertTrue(spans.size() >= 15, "only " + spans.size() + " documented output paths found: " + spans);
    }

    @Test
    void placeholdersStandForOneSegment() {
        List<String> tree = List.of("finetune/", "finetune/run-SL+C-syn-c-target-match-seed1/",
                "finetune/run-SL+C-syn-c-target-match-seed1/lr-3e-03.json", "finetune/run-SL+C-syn-c-target-match.json",
                "prefinetune/SL+C/lr-1e-03/", "prefinetune/SL+C/lr-1e-03/history.json", "run.json",
                "models/syn-c-target-review/Only-C-seed3/");
        for (String good : List.of("--out/run.json", "finetune/run-<setting>-<target>-seed<N>/lr-<rate>.json",
                "finetune/<sweep>.json", "prefinetune/…/lr-…/", "prefinetune/<setting>/lr-<rate>/history.json",
                "--out/models/<target>/<setting>-seed<N>")) {
            assertEquals(Optional.empty(), problem(new ProjectDocs.Span(null, 1, good), tree), good);
        }
        for (String planted : List.of("--out/runs.json", "finetune/<sweep>/lr-<rate>/", "prefinetune/<setting>/history.json",
                "finetune/<run>/lr-<rate>.jsonl", "models/<target>/seed<N>")) {
            assertTrue(problem(new ProjectDocs.Span(ProjectDocs.Doc.of("planted.md", ""), 1, planted), tree).isPresent(),
                    planted);
        }
    }
}
