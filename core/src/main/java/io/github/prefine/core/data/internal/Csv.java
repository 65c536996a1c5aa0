package io.github.prefine.core.data.internal;

import io.github.prefine.core.data.MalformedDatasetException;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: comma-separated, double-quoted fields may hold commas, quotes and newlines. Not API. */
public final class Csv {
    private Csv() {}

    /**
     * One CSV record.
     *
     * @param line 1-based line where the record starts
     * @param fields its fields
     */
    public record Row(int line, List<String> fields) {}

    /**
     * Parses a whole document.
     *
     * @param text the decoded text
     * @param file short file name for errors
     * @return the records, header included; blank lines are skipped
     * @throws MalformedDatasetException on an unterminated quote or text after a closing quote
     */
    public static List<Row> parse(String text, String file) throws MalformedDatasetException {
        List<Row> rows = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            int start = line;
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean atFieldStart = true;
            boolean endOfRecord = false;
            if (text.charAt(i) == '\n' || (text.charAt(i) == '\r' && i + 1 < n && text.charAt(i + 1) == '\n')) {
                i += text.charAt(i) == '\r' ? 2 : 1;
                line++;
                continue;
            }
            while (!endOfRecord) {
                if (i >= n) {
                    fields.add(f.toString());
                    break;
                }
                char c = text.charAt(i);
                if (atFieldStart && c == '"') {
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw new MalformedDatasetException(file, Integer.toString(start),
                                    "a closing quote for the field opened here", "the end of the file");
                        }
                        char d = text.charAt(i);
                        if (d == '"') {
                            if (i + 1 < n && text.charAt(i + 1) == '"') {
                                f.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        if (d == '\n') {
                            line++;
                        }
                        f.append(d);
                        i++;
                    }
                    atFieldStart = false;
                    if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                        throw new MalformedDatasetException(file, Integer.toString(line),
                                "a comma or line end after a closing quote", "'" + text.charAt(i) + "'");
                    }
                    continue;
                }
                if (c == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                    atFieldStart = true;
                    i++;
                } else if (c == '\n' || c == '\r') {
                    fields.add(f.toString());
                    i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                    line++;
                    endOfRecord = true;
                } else {
                    f.append(c);
                    atFieldStart = false;
                    i++;
                }
            }
            rows.add(new Row(start, fields));
        }
        return rows;
    }
}
