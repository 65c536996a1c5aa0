package io.github.prefine.core.data;

import io.github.prefine.core.data.internal.Defects;
import io.github.prefine.core.data.internal.JsonLines;
import io.github.prefine.core.data.internal.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SuperGLUE COPA JSON lines into {@link ChoiceExample}s.
 *
 * <p>Each line {@code {"premise", "choice1", "choice2", "question": "cause"|"effect", "label": 0|1}}
 * becomes {@code ChoiceExample(premise, question, [choice1, choice2], label)}; a line without
 * {@code label} is unlabelled (-1). Ids are {@code file:line}. Immutable and thread-safe.
 */
public final class CopaReader implements DatasetReader<ChoiceExample> {
    private static final Logger LOG = LoggerFactory.getLogger(CopaReader.class);

    /** Creates the reader. */
    public CopaReader() {}

    @Override
    public Class<ChoiceExample> exampleType() {
        return ChoiceExample.class;
    }

    @Override
    public ReadResult<ChoiceExample> read(Path file, Leniency leniency, LongConsumer bytesRead) throws IOException {
        String name = TextFiles.shortName(file);
        ReadReport.Builder report = new ReadReport.Builder(name);
        List<ChoiceExample> out = new ArrayList<>();
        int records = JsonLines.forEachObject(file, leniency, report, bytesRead, (o, at, line) -> {
            int label = o.has("label") ? at.integer(o, "label", "$") : -1;
            if (label < -1 || label > 1) {
                throw at.error("$.label", "0 or 1", Integer.toString(label));
            }
            out.add(new ChoiceExample(name + ":" + line, at.string(o, "premise", "$"),
                    at.string(o, "question", "$"),
                    List.of(at.string(o, "choice1", "$"), at.string(o, "choice2", "$")), label));
        });
        Defects.requireRecords(records, leniency, report, name, "", "at least one JSON line", "an empty file");
        ReadReport r = report.records(records).examples(out.size()).build();
        Defects.warnSkips(LOG, r, "line");
        return new ReadResult<>(out, r);
    }
}
