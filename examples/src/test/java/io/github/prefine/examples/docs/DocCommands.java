package io.github.prefine.examples.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the command lines of the documents that start prefine: {@code java [-D…] -jar
 * …/prefine.jar CMD …} (also behind {@code bash …/run.sh}, the GPU kit), {@code java -cp …
 * io.github.prefine.examples.X …}, {@code spark-submit --class io.github.prefine.… JAR …}, and the
 * shorthands {@code prefine CMD …} and {@code SparkGrid CMD …}, in bash blocks, untagged blocks
 * and inline code spans. Blocks of output are fenced as {@code text} and not read.
 *
 * <p>Placeholders, the small convention the documents follow:
 * <ul>
 *   <li>{@code ...} or {@code …}: more arguments, not checked (a command's required options too);
 *   <li>a parenthesised phrase, {@code (the bf16-mixed line at batch 128)}: arguments the prose
 *       names, left out;
 *   <li>{@code [--task a,b]}: an optional part, checked without its brackets;
 *   <li>{@code <root>}, and after an option also a single capital letter ({@code --seeds N}) or
 *       the option's parameter label ({@code --data DIR}): a value, replaced by the option's
 *       default (or a value of its type) before the parser sees it.
 * </ul>
 *
 * <p>A code span that starts with a command and gives options ({@code bench --part DATA}) is a
 * command line too, whose missing required options are not missed; one that starts with an option ({@code --report-split test}) names an option
 * in prose ({@link #optionMentions}).
 */
public final class DocCommands {
    private DocCommands() {}

    /** The program that {@code java -jar prefine.jar} runs. */
    public static final String PREFINE = "prefine";

    /** The commands of {@code prefine}: a code span that starts with one and gives options is a command line. */
    private static final Set<String> COMMANDS = Set.of("demo", "reproduce", "recommend", "compare", "encode", "eval",
            "bench", "data", "predict");

    private static final Set<String> SPARK_FLAGS = Set.of("--verbose", "--supervise", "-v");

    /**
     * One command line that starts prefine.
     *
     * @param where the document and line
     * @param program {@link #PREFINE} or the fully qualified main class
     * @param args its arguments, placeholders applied but for {@code <value>}
     * @param elided whether {@code ...} cut the arguments short
     * @param properties the {@code -D} system properties given to the JVM, as name=value
     * @param text the command line as written
     */
    public record Invocation(String where, String program, List<String> args, boolean elided, List<String> properties,
            String text) {}

    /**
     * The prefine command lines of a Markdown document, except in blocks marked illustrative.
     *
     * @param doc the document
     * @return its command lines in order
     */
    public static List<Invocation> in(ProjectDocs.Doc doc) {
        List<Invocation> found = new ArrayList<>();
        for (ProjectDocs.Block b : ProjectDocs.blocks(doc)) {
            // output is fenced as text: lines that prefine prints start with its name too
            if (!Set.of("", "bash", "sh", "shell", "console").contains(b.lang())
                    || b.directive() != null && b.directive().kind().equals("illustrative")) {
                continue;
            }
            boolean bare = b.directive() != null && b.directive().kind().equals("prefine-args");
            List<String> raw = List.of(b.text().split("\n", -1));
            for (int i = 0; i < raw.size(); i++) {
                StringBuilder logical = new StringBuilder();
                int first = i;
                while (raw.get(i).endsWith("\\") && i + 1 < raw.size()) {
                    logical.append(raw.get(i), 0, raw.get(i).length() - 1).append(' ');
                    i++;
                }
                logical.append(raw.get(i));
                String where = doc.name() + ":" + (b.line() + first);
                found.addAll(bare ? bareArgs(where, logical.toString()) : parse(where, logical.toString()));
            }
        }
        for (ProjectDocs.Span s : ProjectDocs.spans(doc)) {
            List<String> words = List.of(s.text().strip().split("\\s+"));
            if (COMMANDS.contains(words.get(0)) && words.stream().anyMatch(w -> w.startsWith("--"))) {
                // `eval --json FILE` names options in prose: what it leaves out, required or not, is not checked
                Invocation inv = invocation(s.where(), PREFINE, words, List.of(), s.text());
                found.add(new Invocation(inv.where(), PREFINE, inv.args(), true, List.of(), inv.text()));
            } else {
                found.addAll(parse(s.where(), s.text()));
            }
        }
        return found;
    }

    /**
     * The code spans of a document that start with an option, such as {@code --report-split test}
     * or {@code --out/run.json}: options named in prose, without their command.
     *
     * @param doc the document
     * @return the spans
     */
    public static List<ProjectDocs.Span> optionMentions(ProjectDocs.Doc doc) {
        return ProjectDocs.spans(doc).stream().filter(s -> s.text().matches("--[a-z].*")).toList();
    }

    private static List<Invocation> bareArgs(String where, String line) {
        List<String> words = withoutComment(ShellWords.split(line));
        while (!words.isEmpty() && words.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            words.remove(0);
        }
        if (words.isEmpty() || words.get(0).equals("python3") || words.get(0).equals("java")) {
            return words.isEmpty() ? List.of() : parse(where, line);
        }
        return List.of(invocation(where, PREFINE, words, List.of(), line));
    }

    /**
     * The prefine command lines in one shell line: its commands are split at {@code &&},
     * {@code ||}, {@code ;} and {@code |}.
     *
     * @param where the document and line
     * @param line the line, continuations joined
     * @return its prefine command lines
     */
    public static List<Invocation> parse(String where, String line) {
        List<Invocation> found = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (String w : withoutComment(ShellWords.split(line))) {
            if (Set.of("&&", "||", ";", "|").contains(w)) {
                command(where, command, line, found);
                command = new ArrayList<>();
            } else {
                command.add(w);
            }
        }
        command(where, command, line, found);
        return found;
    }

    /**
     * The prefine command line a JVM was started with, as the device-check scripts start it.
     *
     * @param where what ran it
     * @param argv {@code java} and its arguments
     * @return the command line, or none when it is not prefine's
     */
    public static List<Invocation> ofArgv(String where, List<String> argv) {
        List<Invocation> found = new ArrayList<>();
        command(where, new ArrayList<>(argv), String.join(" ", argv), found);
        return found;
    }

    private static List<String> withoutComment(List<String> words) {
        List<String> kept = new ArrayList<>();
        for (String w : words) {
            if (w.startsWith("#")) {
                break;
            }
            kept.add(w);
        }
        return kept;
    }

    private static void command(String where, List<String> w, String text, List<Invocation> found) {
        while (!w.isEmpty() && w.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            w.remove(0); // VAR=value before the program
        }
        if (w.size() >= 2 && w.get(0).equals("bash") && w.get(1).endsWith("run.sh")) {
            w = w.subList(2, w.size()); // the GPU kit runs what follows
        }
        if (w.isEmpty()) {
            return;
        }
        switch (w.get(0)) {
            case "java" -> java(where, w, text, found);
            case "spark-submit" -> sparkSubmit(where, w, text, found);
            // the bare word names the program in prose; a command line gives it arguments
            case PREFINE -> {
                if (w.size() > 1) {
                    found.add(invocation(where, PREFINE, w.subList(1, w.size()), List.of(), text));
                }
            }
            case "SparkGrid" -> {
                if (w.size() > 1) {
                    found.add(invocation(where, "io.github.prefine.examples.spark.SparkGrid", w.subList(1, w.size()),
                            List.of(), text));
                }
            }
            default -> { }
        }
    }

    private static void java(String where, List<String> w, String text, List<Invocation> found) {
        List<String> props = new ArrayList<>();
        for (int i = 1; i < w.size(); i++) {
            String a = w.get(i);
            if (a.startsWith("-D")) {
                props.add(a.substring(2));
            } else if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                i++;
            } else if (a.equals("-jar")) {
                if (i + 1 < w.size() && w.get(i + 1).endsWith("prefine.jar")) {
                    found.add(invocation(where, PREFINE, w.subList(i + 2, w.size()), props, text));
                }
                return;
            } else if (!a.startsWith("-")) {
                if (a.startsWith("io.github.prefine.")) {
                    found.add(invocation(where, a, w.subList(i + 1, w.size()), props, text));
                }
                return;
            }
        }
    }

    private static void sparkSubmit(String where, List<String> w, String text, List<Invocation> found) {
        String main = null;
        for (int i = 1; i < w.size(); i++) {
            String a = w.get(i);
            if (a.equals("--class")) {
                main = w.get(++i);
            } else if (a.startsWith("-")) {
                if (!SPARK_FLAGS.contains(a) && !a.contains("=")) {
                    i++; // every other spark-submit option takes a value
                }
            } else {
                if (main != null && main.startsWith("io.github.prefine.")) {
                    found.add(invocation(where, main, w.subList(i + 1, w.size()), List.of(), text));
                }
                return;
            }
        }
    }

    /** Applies the placeholders that need no parser: {@code ...}, parenthesised phrases, brackets. */
    private static Invocation invocation(String where, String program, List<String> words, List<String> props, String text) {
        List<String> args = new ArrayList<>();
        boolean elided = false;
        int depth = 0;
        for (String w : words) {
            if (depth == 0 && (w.equals("...") || w.equals("…"))) {
                if (!args.isEmpty() && args.get(args.size() - 1).startsWith("--")) {
                    args.add("<...>"); // an option's value left out: its default stands in
                }
                elided = true;
                break;
            }
            if (depth > 0 || w.startsWith("(")) {
                depth += count(w, '(') - count(w, ')');
                continue;
            }
            String a = w;
            if (a.startsWith("[") && a.length() > 1) {
                a = a.substring(1);
            }
            if (a.endsWith("]") && !a.contains("[")) {
                a = a.substring(0, a.length() - 1);
            }
            args.add(a);
        }
        return new Invocation(where, program, List.copyOf(args), elided, List.copyOf(props), text.strip());
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}
