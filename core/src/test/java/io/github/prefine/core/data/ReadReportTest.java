package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report builder counts per reason in first-seen order and chains as its Javadoc says. */
class ReadReportTest {
    @Test
    void countsEveryKindPerReasonThroughOneChain() {
        ReadReport r = new ReadReport.Builder("d/x.conll").record().record().record()
                .skip("wrong field count").skip("invalid tag", "d/x.conll:4: expected a tag, found 'Q'")
                .skip("wrong field count", "d/x.conll:9: expected 2 fields, found 3")
                .flag("unseen label", "d/x.conll:12: label 'z'").repair("tag converted to IOB2")
                .repair("tag converted to IOB2").clean(ReadReport.BOM_INSIDE, 2).clean(ReadReport.BOM_AT_START, 0)
                .examples(1).build();
        assertEquals(3, r.records());
        assertEquals(1, r.examples());
        assertEquals(List.of("wrong field count", "invalid tag"), List.copyOf(r.skipped().keySet()));
        assertEquals(2, r.skipped("wrong field count"));
        assertEquals(3, r.totalSkipped());
        assertEquals(List.of("d/x.conll:9: expected 2 fields, found 3"), r.samples("wrong field count"));
        assertEquals(1, r.flagged("unseen label"));
        assertEquals(2, r.repaired("tag converted to IOB2"));
        // nothing cleaned is no kind cleaned: a count of 0 leaves the map as it was
        assertEquals(Map.of(ReadReport.BOM_INSIDE, 2), r.cleaned());
    }
}
