package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The library jars as published: each one's JPMS name, no package split between them, the sources
 * and Javadoc jars beside each, and every entry stamped with {@code project.build.outputTimestamp}
 * so that two builds of one commit give the same bytes.
 *
 * <p>Reads what {@code mvn package} left in each module's {@code target/}; the module names are
 * the ones the JDK's own {@link ModuleFinder} derives from the jars, the packages the ones it
 * reads from them. Skipped with a printed reason when the jars are not packaged yet (run {@code
 * mvn verify} from the root).
 */
class LibraryJarsTest {
    private static final List<String> MODULES = List.of("sampling", "eval", "heads", "core");

    @Test
    void eachLibraryJarIsTheAutomaticModuleNamedAfterItsRootPackage() {
        Map<String, Path> jars = jars("");
        ModuleFinder finder = ModuleFinder.of(jars.values().toArray(Path[]::new));
        for (String m : MODULES) {
            ModuleReference ref = finder.findAll().stream()
                    .filter(r -> r.location().orElseThrow().equals(jars.get(m).toUri())).findFirst().orElseThrow();
            // without Automatic-Module-Name the JDK derives "prefine.core" from the file name
            assertEquals("io.github.prefine." + m, ref.descriptor().name(), jars.get(m) + ": the module name");
            assertTrue(ref.descriptor().isAutomatic(), jars.get(m) + ": an automatic module");
        }
    }

    @Test
    void theFourModulesResolveTogetherWithNoPackageInTwoOfThem() {
        Map<String, Path> jars = jars("");
        ModuleFinder finder = ModuleFinder.of(jars.values().toArray(Path[]::new));
        Set<String> names = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        // resolution refuses two modules that hold one package, as the module path does at start
        Configuration c = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), names);
        Map<String, String> owner = new TreeMap<>();
        for (ResolvedModule r : c.modules()) {
            for (String p : r.reference().descriptor().packages()) {
                String before = owner.put(p, r.name());
                assertTrue(before == null, p + " is in " + before + " and " + r.name());
            }
        }
        assertEquals(MODULES.size(), c.modules().size(), c.modules().toString());
    }

    @Test
    void testJarsDoNotClaimTheirModulesName() throws IOException {
        for (Path tests : jars("-tests", List.of("eval", "core")).values()) {
            try (JarFile f = new JarFile(tests.toFile())) {
                // their test classes share the module's packages: a second module of that name
                assertEquals(null, f.getManifest().getMainAttributes().getValue("Automatic-Module-Name"),
                        tests.toString());
            }
        }
    }

    @Test
    void eachLibraryHasItsSourcesAndJavadocJars() throws IOException {
        Map<String, Path> sources = jars("-sources");
        Map<String, Path> javadoc = jars("-javadoc");
        for (String m : MODULES) {
            Path src = MavenRun.ROOT.resolve(m).resolve("src/main/java");
            Set<String> javaFiles = new TreeSet<>();
            Set<String> packageSummaries = new TreeSet<>();
            try (Stream<Path> s = Files.walk(src)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String rel = src.relativize(f).toString().replace('\\', '/');
                    javaFiles.add(rel);
                    if (f.getFileName().toString().equals("package-info.java")) {
                        // javadoc lays its pages out by module, the one the jar plugin's manifest names
                        packageSummaries.add("io.github.prefine." + m + "/"
                                + rel.replace("package-info.java", "package-summary.html"));
                    }
                }
            }
            Set<String> inSources = names(sources.get(m));
            assertTrue(inSources.containsAll(javaFiles), sources.get(m) + " lacks " + missing(javaFiles, inSources));
            Set<String> inJavadoc = names(javadoc.get(m));
            assertTrue(inJavadoc.contains("index.html"), javadoc.get(m) + " has no index.html");
            assertTrue(inJavadoc.containsAll(packageSummaries),
                    javadoc.get(m) + " lacks " + missing(packageSummaries, inJavadoc));
        }
    }

    @Test
    void everyEntryOfEveryLibraryJarCarriesTheOutputTimestamp() throws IOException {
        String pom = Files.readString(MavenRun.ROOT.resolve("pom.xml"));
        Instant stamp = Instant.parse(MavenRun.first(pom,
                "<project.build.outputTimestamp>([^<]+)</project.build.outputTimestamp>"));
        for (String kind : List.of("", "-sources", "-javadoc")) {
            for (Path jar : jars(kind).values()) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = f.entries(); e.hasMoreElements();) {
                        ZipEntry z = e.nextElement();
                        // the build's clock otherwise: two builds would differ in every entry
                        assertEquals(stamp, z.getLastModifiedTime().toInstant(), jar + "!" + z.getName());
                    }
                }
            }
        }
    }

    /** Each library module's jar of a kind ("" for the classes); a skip when the classes are not packaged. */
    private static Map<String, Path> jars(String classifier) {
        return jars(classifier, MODULES);
    }

    private static Map<String, Path> jars(String classifier, List<String> modules) {
        String pom;
        try {
            pom = Files.readString(MavenRun.ROOT.resolve("pom.xml"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the parent pom.xml", e);
        }
        String version = MavenRun.first(pom, "<artifactId>prefine-parent</artifactId>\\s*<version>([^<]+)</version>");
        Map<String, Path> jars = new TreeMap<>();
        for (String m : modules) {
            Path jar = MavenRun.ROOT.resolve(m).resolve("target")
                    .resolve("prefine-" + m + "-" + version + classifier + ".jar");
            Path classes = jar.resolveSibling("prefine-" + m + "-" + version + ".jar");
            if (!Files.exists(classes)) {
                String reason = classes.getFileName() + " is not packaged yet (run mvn verify from the project root)";
                System.out.println("LibraryJarsTest skipped: " + reason);
                assumeTrue(false, reason);
            }
            // packaged without its sources or Javadoc beside it is a failure, not a skip
            assertTrue(Files.exists(jar), jar + " was not built with " + classes.getFileName());
            jars.put(m, jar);
        }
        return jars;
    }

    private static Set<String> names(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(ZipEntry::getName).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> missing(Set<String> wanted, Set<String> present) {
        List<String> out = new ArrayList<>(wanted);
        out.removeAll(present);
        return out;
    }
}
