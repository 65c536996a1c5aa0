package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.docs.ProjectDocs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's table of modules says what each leaf module depends on and which commands the
 * {@code prefine} command line has; the leaves' package documentation names their libraries too.
 * These follow the poms and {@link PrefineCli}, which change without the table.
 */
class DocModulesTableTest {

    /** The libraries the documents name, by the artifact a pom declares for each. */
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("Guava", "guava");
        LIBRARIES.put("Commons Math", "commons-math3");
        LIBRARIES.put("Gson", "gson");
        LIBRARIES.put("XChart", "xchart");
        LIBRARIES.put("SLF4J API", "slf4j-api");
        LIBRARIES.put("DJL API", "api");
    }

    private static final List<String> LEAVES = List.of("sampling", "eval", "heads");

    /** The README rows of the modules table: module name to its other two cells, what it holds and what it depends on. */
    static Map<String, List<String>> rows(List<String> readme) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        int start = readme.indexOf("## Modules");
        assertTrue(start >= 0, "README has no '## Modules' section");
        for (String line : readme.subList(start, readme.size())) {
            Matcher m = Pattern.compile("\\| `([a-z]+)` \\|(.*)\\|").matcher(line);
            if (m.matches()) {
                rows.put(m.group(1), List.of(m.group(2).split("\\|")));
            } else if (line.startsWith("## ") && !rows.isEmpty()) {
                break;
            }
        }
        return rows;
    }

    /** The artifacts a module's pom declares for its main code (compile scope, test scope left out). */
    static Set<String> mainDependencies(String module) throws IOException {
        String pom = Files.readString(ProjectDocs.root().resolve(module).resolve("pom.xml"))
                .replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "")
                .replaceAll("(?s)<build>.*?</build>", "");
        Set<String> out = new TreeSet<>();
        Matcher d = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
        while (d.find()) {
            String body = d.group(1);
            Matcher scope = Pattern.compile("<scope>(.*?)</scope>").matcher(body);
            if (scope.find() && !scope.group(1).equals("compile")) {
                continue;
            }
            Matcher a = Pattern.compile("<artifactId>(.*?)</artifactId>").matcher(body);
            assertTrue(a.find(), module + "/pom.xml: a dependency without artifactId");
            out.add(a.group(1));
        }
        return out;
    }

    /** The artifacts of the libraries a text names. */
    static Set<String> named(String text) {
        Set<String> out = new TreeSet<>();
        LIBRARIES.forEach((name, artifact) -> {
            if (text.contains(name)) {
                out.add(artifact);
            }
        });
        return out;
    }

    @Test
    void theLeavesDependOnWhatTheTableSays() throws IOException {
        Map<String, List<String>> rows = rows(ProjectDocs.read("README.md").lines());
        List<String> problems = new ArrayList<>();
        for (String leaf : LEAVES) {
            List<String> cells = rows.get(leaf);
            assertTrue(cells != null && cells.size() == 2, "README's modules table has no row for " + leaf);
            Set<String> said = named(cells.get(1));
            Set<String> pom = mainDependencies(leaf);
            if (!said.equals(pom)) {
                problems.add("README modules table, " + leaf + ": says " + said + ", its pom declares " + pom);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theLeavesPackageDocsNameOnlyTheirDependencies() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String[] p : new String[][] {{"sampling", "sampling/src/main/java/io/github/prefine/sampling/package-info.java"},
                {"heads", "heads/src/main/java/io/github/prefine/heads/package-info.java"}}) {
            Set<String> said = named(Files.readString(ProjectDocs.root().resolve(p[1])));
            Set<String> pom = mainDependencies(p[0]);
            if (!pom.containsAll(said)) {
                problems.add(p[1] + ": names " + said + " as dependencies, the pom declares " + pom);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theExamplesRowNamesEveryCommand() {
        Map<String, List<String>> rows = rows(ProjectDocs.read("README.md").lines());
        String holds = rows.get("examples").get(0);
        Set<String> missing = new TreeSet<>();
        PrefineCli.commandLine().getSubcommands().keySet().stream().filter(c -> !c.equals("help"))
                .filter(c -> !holds.contains("`" + c + "`")).forEach(missing::add);
        assertEquals(Set.of(), missing, "commands of prefine that README's modules table does not list for examples");
    }

    @Test
    void findsPlantedMismatches() throws IOException {
        Map<String, List<String>> planted = rows(List.of("## Modules", "", "| module | holds | depends on |", "|---|---|---|",
                "| `sampling` | samplers | Guava, Commons Math |", "| `heads` | heads | DJL API |", "", "## Next",
                "| `eval` | not the table | Gson |"));
        assertEquals(Set.of("sampling", "heads"), planted.keySet());
        assertEquals(Set.of("guava", "commons-math3"), named(planted.get("sampling").get(1)));
        assertEquals(Set.of("guava"), mainDependencies("sampling"), "Commons Math is a test dependency of sampling");
        assertEquals(Set.of("api"), named(planted.get("heads").get(1)));
    }
}
