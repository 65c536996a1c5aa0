package io.github.prefine.examples.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every class, member, package, system property and Spark setting that README.md and docs/*.md
 * name in backticks (or pass to a documented JVM with {@code -D}) and that looks like prefine's
 * exists; see {@link DocApiNames}.
 */
class DocApiNamesTest {
    @Test
    void everyNamedClassMemberAndPropertyExists() {
        DocApiNames names = DocApiNames.of(ProjectDocs.root());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (ProjectDocs.Doc doc : ProjectDocs.markdown()) {
            for (ProjectDocs.Span s : ProjectDocs.spans(doc)) {
                checked++;
                names.problem(s.text()).ifPresent(p -> problems.add(s.where() + ": `" + s.text() + "`: " + p));
            }
            for (DocCommands.Invocation inv : DocCommands.in(doc)) {
                for (String property : inv.properties()) {
                    names.problem("-D" + property).ifPresent(p -> problems.add(inv.where() + ": -D" + property + ": " + p));
                }
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " names in backticks do not exist " + ProjectDocs.CONVENTION + ":\n" + String.join("\n", problems));
        assertTrue(checked > 500, "only " + checked + " code spans found");
    }
}
