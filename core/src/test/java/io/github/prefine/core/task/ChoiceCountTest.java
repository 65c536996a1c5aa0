package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.CopaReader;
import io.github.prefine.core.data.DatasetReader;
import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.data.ReadReport;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multiple-choice task's examples must have the number of choices its head scores: another
 * count is refused where the data is read, naming the file, the line and the count expected,
 * instead of by the batch that would hold it, which named neither.
 */
class ChoiceCountTest {
    private static final String COPA_LINE =
            "{\"premise\":\"p\",\"choice1\":\"a\",\"choice2\":\"b\",\"question\":\"cause\",\"label\":0}\n";

    /** Reads {@code premise|choice|choice...} lines, ids {@code file:line} as the JSON-lines readers make them. */
    private static final class BarReader implements DatasetReader<ChoiceExample> {
        @Override
        public ReadResult<ChoiceExample> read(Path file, Leniency leniency, LongConsumer bytesRead)
                throws java.io.IOException {
            List<String> lines = Files.readAllLines(file);
            List<ChoiceExample> out = new ArrayList<>();
            String name = file.getParent().getFileName() + "/" + file.getFileName();
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).split("\\|");
                out.add(new ChoiceExample(name + ":" + (i + 1), f[0], "", Arrays.asList(f).subList(1, f.length), 0));
            }
            return new ReadResult<>(out, new ReadReport.Builder(name).records(out.size()).examples(out.size()).build());
        }

        @Override
        public Class<ChoiceExample> exampleType() {
            return ChoiceExample.class;
        }
    }

    private static Task task(int choices, DatasetReader<?> reader, String train, String dev) {
        return Task.builder().setName("mine").setGroup(TaskGroup.C).setFormat(new MultipleChoice(choices))
                .setMetric(MetricType.ACCURACY).setSource(TaskSource.builder().add(Split.TRAIN, train, reader)
                        .add(Split.VALIDATION, dev, reader).build()).build();
    }

    @Test
    void copaLinesUnderAThreeChoiceTaskAreRefusedNamingFileLineAndCount(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("mine"));
        Files.writeString(root.resolve("mine/train.jsonl"), COPA_LINE + COPA_LINE);
        Files.writeString(root.resolve("mine/dev.jsonl"), COPA_LINE);
        Task three = task(3, new CopaReader(), "mine/train.jsonl", "mine/dev.jsonl");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> three.load(root, Leniency.STRICT));
        assertEquals("mine/train.jsonl:1: expected 3 choices (the number task mine's multiple-choice head scores),"
                + " found 2 choices", e.getMessage());
        // COPA's two choices under the catalogue's format of two load
        assertEquals(2, task(2, new CopaReader(), "mine/train.jsonl", "mine/dev.jsonl").load(root, Leniency.STRICT)
                .split(Split.TRAIN).size());
    }

    @Test
    void aLenientLoadSkipsAndReportsEachExampleWithAnotherCount(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("mine"));
        Files.writeString(root.resolve("mine/train.txt"), "p|a|b|c\nq|a|b\nr|a|b|c\ns|a|b|c|d\n");
        Files.writeString(root.resolve("mine/dev.txt"), "p|a|b|c\nq|a|b|c\n");
        Task three = task(3, new BarReader(), "mine/train.txt", "mine/dev.txt");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> three.load(root, Leniency.STRICT));
        assertEquals("mine/train.txt:2: expected 3 choices (the number task mine's multiple-choice head scores),"
                + " found 2 choices", e.getMessage());
        TaskData d = three.load(root, Leniency.LENIENT);
        assertEquals(List.of("mine/train.txt:1", "mine/train.txt:3"), d.split(Split.TRAIN).stream().map(Example::id)
                .toList());
        assertEquals(2, d.split(Split.VALIDATION).size());
        ReadReport r = d.reports().get("choices");
        assertEquals(2, r.skipped(Task.OTHER_CHOICE_COUNT));
        assertEquals("mine/train.txt:4: expected 3 choices (the number task mine's multiple-choice head scores),"
                + " found 4 choices", r.samples(Task.OTHER_CHOICE_COUNT).get(1));
    }

    @Test
    void dataBuiltInMemoryIsRefusedNamingSplitPositionAndId() {
        Map<Split, List<Example>> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, List.of(new ChoiceExample("a", "p", "", List.of("x", "y"), 0),
                new ChoiceExample("b", "p", "", List.of("x", "y", "z"), 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TaskData(TaskCatalog.task("copa"), List.of(), splits, Map.of()));
        assertEquals("task copa: TRAIN example 1 (b) has 3 choices, expected 2 (the number its multiple-choice head"
                + " scores)", e.getMessage());
    }
}
