package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every published module's effective POM carries what Maven Central requires of a release: name,
 * description, project url, a license with its url, a developer, and the scm url and connection
 * (the Central Portal's "Requirements" page).
 *
 * <p>The effective POM is Maven's own, {@code mvn help:effective-pom} over the four library
 * modules, so inheritance from the parent is Maven's and not this test's: a module's url must be
 * the project's page, not the project's url with the artifactId appended, which Maven does to an
 * inherited url unless told not to. Skipped with a printed reason when {@code mvn} is not on the
 * PATH, or the help plugin is missing and Maven Central cannot be reached.
 */
class PublishedPomTest {
    private static final String PROJECT_URL = "https://github.com/prefine/prefine";

    @Test
    void eachLibraryModuleHasTheMetadataMavenCentralRequires(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("effective-pom.xml");
        MavenRun run = MavenRun.run(tmp.resolve("mvn.log"), 3, List.of("-q", "-f",
                MavenRun.ROOT.resolve("pom.xml").toString(), "-pl", "sampling,eval,heads,core",
                "help:effective-pom", "-Doutput=" + out));
        if (run.skipReason() != null) {
            System.out.println("PublishedPomTest skipped: " + run.skipReason());
            assumeTrue(false, run.skipReason());
        }
        assertEquals(0, run.exitCode(), "help:effective-pom failed:\n" + run.log());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.toFile());
        NodeList projects = doc.getElementsByTagName("project");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < projects.getLength(); i++) {
            Element p = (Element) projects.item(i);
            String id = text(p, "artifactId");
            seen.add(id);
            assertFalse(text(p, "name").isBlank(), id + ": name");
            assertFalse(text(p, "description").isBlank(), id + ": description");
            assertEquals(PROJECT_URL, text(p, "url"), id + ": url");
            Element license = child(child(p, "licenses"), "license");
            assertFalse(text(license, "name").isBlank(), id + ": license name");
            assertFalse(text(license, "url").isBlank(), id + ": license url");
            assertFalse(text(child(child(p, "developers"), "developer"), "name").isBlank(), id + ": developer name");
            Element scm = child(p, "scm");
            assertEquals(PROJECT_URL, text(scm, "url"), id + ": scm url");
            assertEquals("scm:git:" + PROJECT_URL + ".git", text(scm, "connection"), id + ": scm connection");
        }
        assertEquals(List.of("prefine-sampling", "prefine-eval", "prefine-heads", "prefine-core"), seen);
    }

    /** The direct child element {@code name} of {@code parent}; absent fails with the path. */
    private static Element child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }
}
