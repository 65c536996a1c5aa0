package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every link between README.md and docs/*.md reaches its file and heading, and every
 * {@code docs/...} path that the documents or the main sources name exists: a renamed heading or
 * page otherwise leaves a dead link that no other check sees.
 */
class DocLinksTest {

    @Test
    void everyRelativeLinkAndAnchorOfTheDocsResolves() {
        List<String> problems = DocLinks.problems(ProjectDocs.markdown(), ProjectDocs.root());
        assertTrue(problems.isEmpty(), "dead links:\n" + String.join("\n", problems));
    }

    @Test
    void everyDocsPathNamedInTheMainSourcesExists() throws IOException {
        Path root = ProjectDocs.root();
        Pattern docPath = Pattern.compile("(?<![\\w/.-])docs/[\\w/-]+\\.(?:md|sh)\\b");
        List<String> problems = new ArrayList<>();
        int named = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher m = docPath.matcher(Files.readString(f));
                while (m.find()) {
                    named++;
                    if (!Files.exists(root.resolve(m.group()))) {
                        problems.add(root.relativize(f) + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "paths of no file:\n" + String.join("\n", problems));
        assertTrue(named >= 5, "only " + named + " docs/ paths found in the sources");
    }

    @Test
    void anchorsFollowGitHubsRule() {
        ProjectDocs.Doc doc = ProjectDocs.Doc.of("planted.md", "# Which group helps a target? (`recommend`)\n"
                + "## Reading parquet: a small reader of our own\n## Java versions\n## Java versions\n"
                + "```\n# not a heading\n```\n");
        assertEquals(Set.of("which-group-helps-a-target-recommend", "reading-parquet-a-small-reader-of-our-own",
                "java-versions", "java-versions-1"), DocLinks.anchors(doc));
    }

    @Test
    void findsPlantedDeadLinks() {
        Path root = ProjectDocs.root();
        String good = "See [spark](docs/spark.md#java-versions), [top](#title), [cpu](docs/cpu.md) and docs/gpu.md.\n";
        assertEquals(List.of(), DocLinks.problems(List.of(ProjectDocs.Doc.of("README.md", "# Title\n" + good)), root));
        List<String> bad = DocLinks.problems(List.of(ProjectDocs.Doc.of("README.md", "# Title\n"
                + "See [spark](docs/spark.md#java-version) and [top](#titel).\n"
                + "See [gone](docs/cpus.md), docs/gpus.md and [fine](https://djl.ai#x).\n"
                + "```\n[in a block](docs/nothing.md)\n```\n")), root);
        assertEquals(4, bad.size(), String.join("\n", bad));
        assertTrue(bad.get(0).startsWith("README.md:2: (docs/spark.md#java-version)"), bad.get(0));
        assertTrue(bad.get(1).contains("#titel"), bad.get(1));
        assertTrue(bad.get(2).startsWith("README.md:3: (docs/cpus.md): no file"), bad.get(2));
        assertTrue(bad.get(3).contains("docs/gpus.md"), bad.get(3));
        // a link from inside docs/ is relative to docs/
        assertEquals(List.of(), DocLinks.problems(List.of(ProjectDocs.Doc.of("docs/x.md",
                "[cpu](cpu.md), [readme](../README.md#java-versions)\n")), root));
    }
}
