package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MRQA reader repairs a detected answer text that differs from its span only in case or
 * whitespace, but compared them without the white space of the regular expression {@code \s},
 * ASCII only: a span holding a no-break space (U+00A0), a thin space (U+2009) or an ideographic
 * space (U+3000) where the detected text has a space was refused strictly and dropped leniently.
 * Ground truth: the spans and offsets of the contexts written here, by hand.
 */
class MrqaUnicodeSpaceRepairTest {
    @TempDir
    Path dir;

    @Test
    void aSpanWhoseSpacesAreUnicodeWhiteSpaceIsRepairedNotDropped() throws IOException {
        for (String space : List.of("\u00a0", "\u2009", "\u3000")) {
            // "New York" at 23..30 inclusive
            String context = "The Eiffel Tower is in New" + space + "York.";
            String line = "{\"context\":\"" + context + "\",\"qas\":[{\"qid\":\"a\",\"question\":\"where?\","
                    + "\"detected_answers\":[{\"text\":\"new york\",\"char_spans\":[[23,30]]}]}]}\n";
            Path f = TestFiles.write(dir, "mrqa/SQuAD.jsonl", "{\"header\":{\"dataset\":\"SQuAD\"}}\n" + line);
            String what = String.format("U+%04X", (int) space.charAt(0));
            ReadResult<QaExample> r = new MrqaReader().read(f);
            assertEquals(List.of(new GoldAnswer("New" + space + "York", 23)), r.examples().get(0).answers(), what);
            assertEquals(1, r.report().repaired(MrqaReader.REPAIR_CASE), what);
        }
    }
}
