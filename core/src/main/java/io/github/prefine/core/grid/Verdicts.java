package io.github.prefine.core.grid;

import io.github.prefine.eval.report.Cell;
import io.github.prefine.eval.report.Table;
import io.github.prefine.eval.report.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's relatedness check, computed from Table 2: for each target group G, does
 * pre-finetuning on G alone ({@code Only-G}) beat pre-finetuning on each other single group on
 * G's targets? One line per group with a verdict either way. Stateless.
 */
public final class Verdicts {
    private Verdicts() {}

    /**
     * One verdict per group that has targets, its own {@code Only-} setting and at least one other.
     *
     * @param table2 Table 2
     * @return lines such as {@code SL targets: Only-SL 71.2 > Only-C 55.0, Only-QA 60.1 — related
     *     pre-finetuning wins}
     */
    public static List<String> relatedness(Table table2) {
        List<String> singles = new ArrayList<>();
        for (String c : table2.columns()) {
            if (c.startsWith("Only-")) {
                singles.add(c);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Table.Row row : table2.rows()) {
            String group = row.label();
            String own = "Only-" + group;
            if (group.equals(Tables.AVERAGE) || !singles.contains(own)) {
                continue;
            }
            Cell mine = table2.cell(group, own);
            if (mine.isEmpty()) {
                continue;
            }
            List<String> others = new ArrayList<>();
            boolean wins = true;
            for (String s : singles) {
                Cell c = table2.cell(group, s);
                if (s.equals(own) || c.isEmpty()) {
                    continue;
                }
                others.add(String.format(Locale.ROOT, "%s %.1f", s, c.value()));
                wins &= mine.value() > c.value();
            }
            if (others.isEmpty()) {
                continue;
            }
            lines.add(String.format(Locale.ROOT, "%s targets: %s %.1f %s %s — %s", group, own, mine.value(),
                    wins ? ">" : "does not beat all of", String.join(", ", others),
                    wins ? "related pre-finetuning wins" : "related pre-finetuning does NOT win in this run"));
        }
        return lines;
    }
}
