package io.github.prefine.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the names the documents give in backticks that look like prefine's: a class
 * ({@code TaskEmbedder}, {@code io.github.prefine.core.train.MallocSettings}) exists in the
 * project's sources, a member ({@code EncoderCheckpoint.save}, {@code TaskFormat.TOKEN},
 * {@code TaskEmbedder.Builder.optThreads}) exists on that class by reflection, a package
 * ({@code core.kernels}) exists, a builder method named alone ({@code optWarmupRatio}) is in the
 * main sources, and a system property or Spark setting ({@code
 * -Dprefine.attention=explicit}, {@code spark.prefine.lease.expiry}) is a string literal of the
 * main sources, or read by a test source's {@code System.getProperty} (or {@code Boolean.getBoolean}
 * ...) for the switches only test runs read ({@code -Dprefine.oracle.full=true}).
 *
 * <p>A CamelCase name with a member ({@code Engine.setRandomSeed}) that is no prefine class must be
 * one of {@link #NOT_PREFINE}, other projects' classes, so that a misspelt prefine class cannot pass
 * as someone else's; a bare CamelCase word ({@code HotpotQA}, {@code Range}) is taken as prefine's
 * only when it is within two edits of a prefine class ({@code TaskEmbeder}). A one-letter segment
 * ({@code io.github.prefine.core.X.*}) is a placeholder.
 */
public final class DocApiNames {
    /** Names in backticks that are not prefine's classes, by where they come from. */
    static final Set<String> NOT_PREFINE = Set.of(
            "Engine", "NDManager", // DJL: Engine.setRandomSeed, NDManager.newBaseManager
            "AutoModel", "AutoModelForSequenceClassification", // Hugging Face Transformers: X.from_pretrained
            "SparkFiles", "TaskContext", // Spark: SparkFiles.getRootDirectory(), TaskContext.resources()
            "Subject"); // the JDK: Subject.getSubject

    private static final Pattern PROPERTY = Pattern.compile(
            "(?!prefine\\.jar$)(?:-D)?((?:spark\\.)?prefine\\.[A-Za-z0-9_.]*[A-Za-z0-9_])(=.*)?");
    private static final Pattern QUALIFIED = Pattern.compile("io\\.github\\.prefine(\\.[A-Za-z_][A-Za-z0-9_]*)+(\\.\\*)?");
    private static final Pattern MODULE_PACKAGE = Pattern.compile("(core|eval|heads|sampling|examples)(\\.[a-z][a-z0-9]*)+");
    private static final Pattern BUILDER_METHOD = Pattern.compile("((?:opt|set)[A-Z][A-Za-z0-9]*)(\\(.*\\))?");
    private static final Pattern CLASS_REF = Pattern.compile("([A-Z][a-z0-9][A-Za-z0-9]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*)*)(\\(.*\\))?");

    private final Path root;
    private final Map<String, String> mainClasses = new LinkedHashMap<>();
    private final Set<String> testClasses = new TreeSet<>();
    private final Set<String> packages = new TreeSet<>();
    private final String mainText;
    /** The properties a test source reads: the string literal opening such a call's arguments. */
    private final Set<String> readByTests = new TreeSet<>();
    /** The builder-style names the main sources declare or call: after a blank, before a parenthesis. */
    private final Set<String> builderMethods = new TreeSet<>();

    private DocApiNames(Path root) {
        this.root = root;
        StringBuilder text = new StringBuilder();
        StringBuilder tests = new StringBuilder();
        for (String module : List.of("sampling", "eval", "heads", "core", "examples")) {
            index(root.resolve(module + "/src/main/java"), true, text);
            index(root.resolve(module + "/src/test/java"), false, tests);
        }
        this.mainText = text.toString();
        // each set gathered in one pass, not one search of the sources per name (a second each)
        Matcher read = Pattern.compile("(?:getProperty|getBoolean|getInteger|getLong)\\(\\s*\"([^\"]*)\"").matcher(tests);
        while (read.find()) {
            readByTests.add(read.group(1));
        }
        Matcher called = Pattern.compile("\\s((?:opt|set)[A-Z][A-Za-z0-9]*)\\(").matcher(mainText);
        while (called.find()) {
            builderMethods.add(called.group(1));
        }
    }

    /**
     * Indexes the project's sources under a root.
     *
     * @param root the repository root
     * @return the index
     */
    public static DocApiNames of(Path root) {
        return new DocApiNames(root);
    }

    private void index(Path src, boolean main, StringBuilder text) {
        if (!Files.isDirectory(src)) {
            return;
        }
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String rel = src.relativize(p).toString().replace('/', '.');
                String fqcn = rel.substring(0, rel.length() - ".java".length());
                String simple = fqcn.substring(fqcn.lastIndexOf('.') + 1);
                if (main) {
                    mainClasses.putIfAbsent(simple, fqcn);
                    packages.add(fqcn.substring(0, fqcn.lastIndexOf('.')));
                    text.append(Files.readString(p, StandardCharsets.UTF_8));
                } else {
                    testClasses.add(simple);
                }
                // kept for test-run switches (-Dprefine.shared, -Dprefine.oracle.full), read by tests only
                if (!main) {
                    text.append(Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with a name in backticks.
     *
     * @param span the text between the backticks
     * @return why it does not name what exists, or empty when it does or is not prefine's
     */
    public Optional<String> problem(String span) {
        String t = span.strip();
        Matcher m;
        if ((m = PROPERTY.matcher(t)).matches()) {
            String quoted = "\"" + m.group(1) + "\"";
            return mainText.contains(quoted) || readByTests.contains(m.group(1)) ? Optional.empty()
                    : Optional.of("no main or test source has the property or setting \"" + m.group(1) + "\"");
        }
        if (QUALIFIED.matcher(t).matches()) {
            return qualified(t.endsWith(".*") ? t.substring(0, t.length() - 2) : t);
        }
        if (MODULE_PACKAGE.matcher(t).matches()) {
            return packages.contains("io.github.prefine." + t) ? Optional.empty()
                    : Optional.of("no package io.github.prefine." + t);
        }
        if ((m = BUILDER_METHOD.matcher(t)).matches()) {
            // a builder method named alone, as the set/opt convention names them
            return builderMethods.contains(m.group(1)) ? Optional.empty()
                    : Optional.of("no main source declares or calls a method " + m.group(1));
        }
        if ((m = CLASS_REF.matcher(t)).matches()) {
            String simple = m.group(1);
            if (mainClasses.containsKey(simple)) {
                return member(mainClasses.get(simple), m.group(2));
            }
            if (testClasses.contains(simple) || NOT_PREFINE.contains(simple)) {
                return Optional.empty();
            }
            if (!m.group(2).isEmpty()) {
                return Optional.of("no prefine class " + simple + ", nor one listed as another project's"
                        + " (DocApiNames.NOT_PREFINE)");
            }
            // names whose lengths differ by more than two are more than two edits apart
            return mainClasses.keySet().stream().filter(k -> Math.abs(k.length() - simple.length()) <= 2
                    && edits(k, simple) <= 2).findFirst()
                    .map(k -> "no prefine class " + simple + "; did you mean " + k + "?");
        }
        return Optional.empty();
    }

    private Optional<String> qualified(String name) {
        String[] parts = name.split("\\.");
        if (Arrays.stream(parts).anyMatch(p -> p.length() == 1 && Character.isUpperCase(p.charAt(0)))) {
            return Optional.empty(); // io.github.prefine.core.X.*: X is a placeholder
        }
        if (packages.contains(name)) {
            return Optional.empty();
        }
        for (int i = parts.length; i > 3; i--) {
            String prefix = String.join(".", Arrays.copyOf(parts, i));
            if (mainClasses.containsValue(prefix)) {
                StringBuilder rest = new StringBuilder();
                for (int j = i; j < parts.length; j++) {
                    rest.append('.').append(parts[j]);
                }
                return member(prefix, rest.toString());
            }
        }
        return Optional.of("no class or package " + name);
    }

    /** Walks {@code .Nested.member} from a class by reflection. */
    private static Optional<String> member(String fqcn, String path) {
        Class<?> c;
        try {
            c = Class.forName(fqcn, false, DocApiNames.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of("class " + fqcn + " is not on the class path");
        }
        List<String> segments = new ArrayList<>(List.of(path.split("\\.")));
        segments.removeIf(String::isEmpty);
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            Optional<Class<?>> nested = Arrays.stream(c.getDeclaredClasses()).filter(k -> k.getSimpleName().equals(s))
                    .findFirst().map(k -> (Class<?>) k);
            if (nested.isPresent()) {
                c = nested.get();
                continue;
            }
            if (i < segments.size() - 1 || !hasMember(c, s)) {
                return Optional.of(c.getName() + " has no member " + s);
            }
        }
        return Optional.empty();
    }

    private static boolean hasMember(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (Arrays.stream(k.getDeclaredMethods()).map(Method::getName).anyMatch(name::equals)
                    || Arrays.stream(k.getDeclaredFields()).map(Field::getName).anyMatch(name::equals)) {
                return true;
            }
        }
        // interface methods (default and abstract) and record components
        return Arrays.stream(c.getMethods()).map(Method::getName).anyMatch(name::equals);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int edits(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The repository root the index was made from.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }
}
