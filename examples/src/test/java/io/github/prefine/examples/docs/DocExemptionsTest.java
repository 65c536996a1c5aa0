package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The blocks the documentation guard does not check are the ones listed here, so that an exemption
 * is a reviewed change to this list and not a comment slipped into a document.
 */
class DocExemptionsTest {
    /** {@code where kind}: blocks marked {@code docguard: fragment} or {@code docguard: illustrative}. */
    private static final List<String> LISTED = List.of();

    @Test
    void onlyTheListedBlocksAreExempt() {
        List<String> found = new ArrayList<>();
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            for (ProjectDocs.Block b : ProjectDocs.blocks(doc)) {
                if (b.directive() != null && List.of("fragment", "illustrative").contains(b.directive().kind())) {
                    found.add(b.where() + " " + b.directive().kind());
                }
            }
        }
        assertEquals(LISTED, found);
    }
}
