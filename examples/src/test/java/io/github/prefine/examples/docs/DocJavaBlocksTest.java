package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Java block of README.md and docs/*.md compiles against the project, or is marked a fragment. */
class DocJavaBlocksTest {
    @Test
    void everyJavaBlockCompiles(@TempDir Path out) {
        List<ProjectDocs.Block> blocks = DocJavaBlocks.compiled(ProjectDocs.markdown());
        List<String> errors = DocJavaBlocks.errors(blocks.stream().map(DocJavaBlocks::unit).toList(), out);
        assertTrue(errors.isEmpty(), "Java blocks that do not compile " + ProjectDocs.CONVENTION + ":\n" + String.join("\n", errors));
        // the README's library page and docs/recommend.md's library block at least
        assertTrue(blocks.size() >= 2, "only " + blocks.size() + " Java blocks found");
    }
}
