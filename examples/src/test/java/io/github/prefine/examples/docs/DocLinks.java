package io.github.prefine.examples.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links between the project's documents: every relative Markdown link {@code [text](path)} or
 * {@code [text](path#anchor)} outside fenced blocks names a file of the repository and, for a
 * Markdown file, one of its headings, with the anchor GitHub gives that heading; and every
 * {@code docs/NAME.md} or {@code docs/device-check/NAME.sh} that a document names in its text is a file.
 */
public final class DocLinks {
    private DocLinks() {}

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern DOC_PATH = Pattern.compile("(?<![\\w/.-])docs/[\\w/-]+\\.(?:md|sh)\\b");
    private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.*?)\\s*#*\\s*");

    /**
     * What is wrong with the links of some documents.
     *
     * @param docs the documents, named by their path from the repository root
     * @param root the repository root, where linked files and the headings of documents not in
     *     {@code docs} are read
     * @return one line per dead link or anchor, naming the document and line; empty when all resolve
     */
    public static List<String> problems(List<ProjectDocs.Doc> docs, Path root) {
        Map<String, Set<String>> anchors = new HashMap<>();
        for (ProjectDocs.Doc d : docs) {
            anchors.put(d.name(), anchors(d));
        }
        List<String> problems = new ArrayList<>();
        for (ProjectDocs.Doc d : docs) {
            List<String> prose = ProjectDocs.prose(d);
            for (int i = 0; i < prose.size(); i++) {
                String where = d.name() + ":" + (i + 1) + ": ";
                Matcher m = LINK.matcher(prose.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
                        continue; // https:, mailto: ...
                    }
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    String name = file.isEmpty() ? d.name() : normalize(parent(d.name()) + file);
                    if (!Files.exists(root.resolve(name))) {
                        problems.add(where + "(" + target + "): no file " + name);
                        continue;
                    }
                    if (hash >= 0 && name.endsWith(".md")) {
                        String anchor = target.substring(hash + 1);
                        Set<String> known = anchors.computeIfAbsent(name, n -> anchors(ProjectDocs.read(n)));
                        if (!known.contains(anchor)) {
                            problems.add(where + "(" + target + "): " + name + " has no heading with the anchor #"
                                    + anchor + "; its anchors: " + known);
                        }
                    }
                }
                // a link's own target was checked above
                Matcher p = DOC_PATH.matcher(LINK.matcher(prose.get(i)).replaceAll("]"));
                while (p.find()) {
                    if (!Files.exists(root.resolve(p.group()))) {
                        problems.add(where + p.group() + ": no such file");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * The anchors GitHub gives a document's headings: the text lower-cased, without code marks and
     * link targets, every character but letters, digits, spaces, hyphens and underscores removed,
     * spaces made hyphens; a repeated anchor gets {@code -1}, {@code -2}, ...
     *
     * @param doc the document
     * @return its anchors
     */
    public static Set<String> anchors(ProjectDocs.Doc doc) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : ProjectDocs.prose(doc)) {
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) {
                continue;
            }
            String text = h.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            out.add(n == 0 ? slug : slug + "-" + n);
        }
        return out;
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    private static String normalize(String path) {
        return Path.of(path).normalize().toString();
    }
}
