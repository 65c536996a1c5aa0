package io.github.prefine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library page compiles as printed against the built modules, and is word for word
 * {@link QuickStart#train}, so the page cannot drift from code that runs.
 */
class ReadmePageTest {
    /** The imports the README names above the block. */
    private static final String IMPORTS = String.join("\n",
            "import ai.djl.ndarray.NDManager;",
            "import java.io.IOException;",
            "import java.nio.file.Path;",
            "import java.util.List;",
            "import java.util.Map;",
            "import io.github.prefine.eval.evaluator.EvaluationResult;",
            "import io.github.prefine.core.encoder.*;",
            "import io.github.prefine.core.features.*;",
            "import io.github.prefine.core.model.*;",
            "import io.github.prefine.core.pipeline.*;",
            "import io.github.prefine.core.task.*;",
            "import io.github.prefine.core.tokenize.*;",
            "import io.github.prefine.core.train.*;");

    private static String readmePage() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        int section = readme.indexOf("## Using prefine as a library");
        assertTrue(section >= 0, "README.md: expected a '## Using prefine as a library' section");
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "README.md: expected a ```java block in the library section");
        return m.group(1);
    }

    @Test
    void theLibraryPageCompilesAsPrinted(@TempDir Path out) throws Exception {
        String page = readmePage();
        assertTrue(page.lines().count() <= 17, "the page has " + page.lines().count() + " lines");
        String source = IMPORTS + "\n\nclass ReadmePage {\n" + page + "}\n";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmePage.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-Xlint:none"),
                null, List.of(file)).call();
        assertTrue(ok, "README.md's library page does not compile:\n" + diagnostics + "\n" + source);
        assertTrue(Files.exists(out.resolve("ReadmePage.class")));
    }

    @Test
    void thePageIsQuickStartTrainWordForWord() throws Exception {
        String code = Files.readString(Path.of("src/main/java/io/github/prefine/examples/QuickStart.java"));
        int start = code.indexOf("    public static Map<String, EvaluationResult> train(");
        assertTrue(start >= 0, "QuickStart.java: expected the train method");
        int end = code.indexOf("\n    }\n", start) + "\n    }\n".length();
        StringBuilder method = new StringBuilder();
        for (String line : code.substring(start, end).split("\n", -1)) {
            method.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        assertEquals(method.toString().strip(), readmePage().strip());
    }
}
