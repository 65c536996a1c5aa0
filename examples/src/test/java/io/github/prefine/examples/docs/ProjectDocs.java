package io.github.prefine.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's documents as the documentation guard reads them: README.md and docs/*.md, split
 * into fenced blocks and inline code spans with their line numbers, and the device-check scripts.
 *
 * <p>A document steers the guard with one HTML comment right above a fenced block (blank lines
 * between are allowed), invisible when the Markdown is rendered:
 * <ul>
 *   <li>{@code <!-- docguard: fragment REASON -->}: a Java block that is not meant to compile;
 *   <li>{@code <!-- docguard: illustrative REASON -->}: a block whose command lines are not
 *       checked;
 *   <li>{@code <!-- docguard: prefine-args -->}: every line of the block is a {@code prefine}
 *       command line without its {@code java -jar prefine.jar} (as docs/gpu.md lists what the
 *       device-check scripts run);
 *   <li>{@code <!-- docguard: java-context ... -->}: the compilation unit around a Java block,
 *       with {@code {block}} where the block goes (imports, declarations of the names it uses).
 * </ul>
 * A {@code fragment} or {@code illustrative} mark is an exemption: {@code DocExemptionsTest} lists
 * every one, so that adding one is a reviewed change.
 */
public final class ProjectDocs {
    /** Where a failing check points the writer of a document. */
    public static final String CONVENTION = "(placeholders and markers: the Javadoc of ProjectDocs and DocCommands in"
            + " examples/src/test/java/io/github/prefine/examples/docs; exemptions are listed in DocExemptionsTest)";

    private ProjectDocs() {}

    private static final Pattern DIRECTIVE = Pattern.compile("<!--\\s*docguard:\\s*([a-z-]+)(.*?)-->", Pattern.DOTALL);

    /**
     * One document, read as lines.
     *
     * @param name its path from the repository root, for messages
     * @param lines its lines
     */
    public record Doc(String name, List<String> lines) {
        /**
         * Reads a document as UTF-8 text.
         *
         * @param name its path from the repository root
         * @param text its text
         * @return the document
         */
        public static Doc of(String name, String text) {
            return new Doc(name, List.of(text.split("\n", -1)));
        }
    }

    /**
     * A steering comment above a fenced block.
     *
     * @param kind fragment, illustrative, prefine-args or java-context
     * @param text what follows the kind (the reason, or the context's source)
     */
    public record Directive(String kind, String text) {}

    /**
     * A fenced block.
     *
     * @param doc its document
     * @param line the line of its first content line, from 1
     * @param lang the info string after the fence, possibly empty
     * @param text its content
     * @param directive the steering comment above it, or null
     */
    public record Block(Doc doc, int line, String lang, String text, Directive directive) {
        /**
         * Names the block's place.
         *
         * @return for example {@code README.md:98}
         */
        public String where() {
            return doc.name() + ":" + line;
        }
    }

    /**
     * An inline code span outside fenced blocks.
     *
     * @param doc its document
     * @param line its line, from 1
     * @param text what lies between the backticks
     */
    public record Span(Doc doc, int line, String text) {
        /**
         * Names the span's place.
         *
         * @return for example {@code README.md:98}
         */
        public String where() {
            return doc.name() + ":" + line;
        }
    }

    /**
     * The repository root: the parent of the examples module, where tests run.
     *
     * @return the root
     */
    public static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) && !Files.exists(here.resolve("src")) ? here : here.getParent();
    }

    /**
     * README.md and every docs/*.md, in name order.
     *
     * @return the documents
     */
    public static List<Doc> markdown() {
        List<Doc> docs = new ArrayList<>();
        docs.add(read("README.md"));
        try (Stream<Path> s = Files.list(root().resolve("docs"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted()
                    .forEach(p -> docs.add(read("docs/" + p.getFileName())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /**
     * The device-check scripts, docs/device-check/*.sh, in name order.
     *
     * @return their paths
     */
    public static List<Path> scripts() {
        try (Stream<Path> s = Files.list(root().resolve("docs/device-check"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".sh")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one document.
     *
     * @param name its path from the repository root
     * @return the document
     */
    public static Doc read(String name) {
        try {
            return Doc.of(name, Files.readString(root().resolve(name), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fenced blocks of a document, each with the steering comment above it.
     *
     * @param doc the document
     * @return its blocks in order
     */
    public static List<Block> blocks(Doc doc) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = doc.lines();
        for (int i = 0; i < lines.size(); i++) {
            String open = lines.get(i).strip();
            if (!open.startsWith("```")) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(doc.name() + ":" + (i + 1) + ": a fenced block is never closed");
            }
            String text = String.join("\n", lines.subList(i + 1, end)) + "\n";
            blocks.add(new Block(doc, i + 2, open.substring(3).strip(), text, directiveAbove(lines, i)));
            i = end;
        }
        return blocks;
    }

    private static Directive directiveAbove(List<String> lines, int fence) {
        int j = fence - 1;
        while (j >= 0 && lines.get(j).isBlank()) {
            j--;
        }
        if (j < 0 || !lines.get(j).strip().endsWith("-->")) {
            return null;
        }
        int start = j;
        while (start >= 0 && !lines.get(start).contains("<!--")) {
            start--;
        }
        if (start < 0) {
            return null;
        }
        Matcher m = DIRECTIVE.matcher(String.join("\n", lines.subList(start, j + 1)));
        return m.find() ? new Directive(m.group(1), m.group(2).strip()) : null;
    }

    /**
     * A document's lines with its fenced blocks and HTML comments blanked: line {@code i} of the
     * result is line {@code i} of the document, or empty.
     *
     * @param doc the document
     * @return its prose lines
     */
    public static List<String> prose(Doc doc) {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        boolean comment = false;
        for (String line : doc.lines()) {
            boolean fence = line.strip().startsWith("```");
            if (line.contains("<!--")) {
                comment = true;
            }
            out.add(fenced || fence || comment ? "" : line);
            if (line.contains("-->")) {
                comment = false;
            }
            if (fence) {
                fenced = !fenced;
            }
        }
        return out;
    }

    /**
     * The inline code spans of a document outside its fenced blocks and HTML comments.
     *
     * @param doc the document
     * @return its spans in order
     */
    public static List<Span> spans(Doc doc) {
        // fenced lines and comments become blank lines, so that offsets still give line numbers
        StringBuilder prose = new StringBuilder();
        for (String line : prose(doc)) {
            prose.append(line).append('\n');
        }
        List<Span> spans = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(prose);
        while (m.find()) {
            if (m.group(1).contains("\n\n")) {
                throw new IllegalStateException(doc.name() + ":" + lineOf(prose, m.start())
                        + ": a code span runs over a paragraph's end (an unpaired backtick)");
            }
            spans.add(new Span(doc, lineOf(prose, m.start()), m.group(1).replace('\n', ' ')));
        }
        return spans;
    }

    private static int lineOf(CharSequence text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
