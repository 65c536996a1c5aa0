package io.github.prefine.examples.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into words as bash would before expansion: quotes removed, {@code $(…)}
 * kept whole, and the control operators {@code &&}, {@code ||}, {@code ;} and {@code |} as words of
 * their own.
 */
final class ShellWords {
    private ShellWords() {}

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    end = line.length(); // prose (Picoult 's), not a command: the rest is one word
                }
                w.append(line, i + 1, Math.min(end, line.length()));
                inWord = true;
                i = end;
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                int depth = 0;
                int j = i + 1;
                for (; j < line.length(); j++) {
                    depth += line.charAt(j) == '(' ? 1 : line.charAt(j) == ')' ? -1 : 0;
                    if (depth == 0) {
                        break;
                    }
                }
                w.append(line, i, Math.min(j + 1, line.length()));
                inWord = true;
                i = j;
            } else if (Character.isWhitespace(c) || c == ';' || c == '|' || c == '&' && next(line, i) == '&') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                if (c == ';') {
                    words.add(";");
                } else if (c == '|' || c == '&') {
                    boolean doubled = next(line, i) == c;
                    words.add(doubled ? "" + c + c : "" + c);
                    i += doubled ? 1 : 0;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    private static char next(String s, int i) {
        return i + 1 < s.length() ? s.charAt(i + 1) : 0;
    }
}
