package io.github.prefine.examples.docs;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles the Java blocks of the documents against the project's classes, in one javac run.
 *
 * <p>A block compiles inside the {@code <!-- docguard: java-context ... -->} comment above it,
 * where {@code {block}} stands for it; without one, as a class body when it declares members and as
 * a method body ({@code throws Exception}) otherwise, with {@link #DEFAULT_IMPORTS}. A block marked
 * {@code <!-- docguard: fragment REASON -->} is not compiled.
 */
public final class DocJavaBlocks {
    private DocJavaBlocks() {}

    /** What a block without a context may use unqualified. */
    static final String DEFAULT_IMPORTS = String.join("\n", "import java.io.*;", "import java.nio.file.*;",
            "import java.util.*;", "import ai.djl.ndarray.NDManager;");

    /**
     * One block as a compilation unit.
     *
     * @param where the block's document and line
     * @param className the class it compiles into
     * @param source the whole unit
     */
    public record Unit(String where, String className, String source) {}

    /**
     * The compilation unit of a block.
     *
     * @param b the block
     * @return its unit
     */
    public static Unit unit(ProjectDocs.Block b) {
        String name = "DocBlock_" + b.doc().name().replaceAll("[^A-Za-z0-9]", "_") + "_" + b.line();
        String context;
        if (b.directive() != null && b.directive().kind().equals("java-context")) {
            context = b.directive().text();
            if (!context.contains("{block}")) {
                throw new IllegalStateException(b.where() + ": the java-context above the block lacks {block}");
            }
        } else if (b.text().strip().matches("(?s)(public|protected|private|static|final|abstract|class|record|interface"
                + "|enum|@).*")) {
            context = DEFAULT_IMPORTS + "\nclass DocBlock {\n{block}\n}\n";
        } else {
            context = DEFAULT_IMPORTS + "\nclass DocBlock {\nvoid block() throws Exception {\n{block}\n}\n}\n";
        }
        return new Unit(b.where(), name, context.replace("class DocBlock", "class " + name).replace("{block}", b.text()));
    }

    /**
     * The Java blocks of the documents that are not marked as fragments.
     *
     * @param docs the documents
     * @return their blocks
     */
    public static List<ProjectDocs.Block> compiled(List<ProjectDocs.Doc> docs) {
        List<ProjectDocs.Block> blocks = new ArrayList<>();
        for (ProjectDocs.Doc d : docs) {
            for (ProjectDocs.Block b : ProjectDocs.blocks(d)) {
                if (b.lang().equals("java") && (b.directive() == null || !b.directive().kind().equals("fragment"))) {
                    blocks.add(b);
                }
            }
        }
        return blocks;
    }

    /**
     * Compiles units against the test's class path.
     *
     * @param units the units
     * @param out where classes go
     * @return one line per error, naming the block's document and line; empty when all compile
     */
    public static List<String> errors(List<Unit> units, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> files = new ArrayList<>();
        for (Unit u : units) {
            files.add(new SimpleJavaFileObject(URI.create("string:///" + u.className() + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return u.source();
                }
            });
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        javac.getTask(new StringWriter(), null, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-Xlint:none",
                        "-proc:none"), null, files).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Unit u = units.stream().filter(x -> d.getSource() != null
                    && d.getSource().getName().endsWith(x.className() + ".java")).findFirst().orElse(null);
            String line = u == null ? "" : u.source().lines().skip(Math.max(0, d.getLineNumber() - 1)).findFirst().orElse("");
            errors.add((u == null ? "?" : u.where()) + ": " + d.getMessage(Locale.ROOT) + "\n    " + line.strip());
        }
        return errors;
    }
}
