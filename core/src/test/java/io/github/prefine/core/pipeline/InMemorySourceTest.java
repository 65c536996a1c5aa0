package io.github.prefine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.ChoiceExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskData;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.eval.metrics.MetricType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskDataSource#inMemory} serves data by task name. Two data sets under one name used to
 * keep the last without a word, so a grid trained and scored on whichever came last.
 */
class InMemorySourceTest {
    /** A train split without examples: its header is all the digest's text holds after the labels. */
    private static final java.util.Map<io.github.prefine.core.task.Split, List<io.github.prefine.core.data.Example>>
            EMPTY_TRAIN = java.util.Map.of(io.github.prefine.core.task.Split.TRAIN, List.of());

    /** TaskData takes any label list, as the digest must. */
    private static TaskData labelled(Task task, List<String> labels,
            java.util.Map<io.github.prefine.core.task.Split, List<io.github.prefine.core.data.Example>> splits) {
        return new TaskData(task, labels, splits, java.util.Map.of());
    }

    private static TaskData data(Task task, String text) {
        List<TextExample> train = List.of(new TextExample(text + "0", text, null, "yes"),
                new TextExample(text + "1", text + " not", null, "no"));
        return InMemoryTasks.data(task, train, train, List.of());
    }

    @Test
    void twoDataSetsUnderOneNameAreRefusedNamingIt() {
        Task task = InMemoryTasks.task("mem-dup", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData first = data(task, "good");
        TaskData second = data(task, "bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskDataSource.inMemory(List.of(first, second)));
        assertTrue(e.getMessage().contains("mem-dup") && e.getMessage().contains("1") && e.getMessage().contains("0"),
                e.getMessage());
    }

    @Test
    void aNullEntryIsRefusedWithItsIndex() {
        Task task = InMemoryTasks.task("mem-one", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> TaskDataSource.inMemory(Arrays.asList(data(task, "good"), null)));
        assertTrue(e.getMessage() != null && e.getMessage().contains("data[1]"), String.valueOf(e.getMessage()));
    }

    @Test
    void distinctNamesAreServedAsGiven() throws Exception {
        Task a = InMemoryTasks.task("mem-a", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        Task b = InMemoryTasks.task("mem-b", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY, List.of("no", "yes"));
        TaskData da = data(a, "good");
        TaskData db = data(b, "bad");
        TaskDataSource source = TaskDataSource.inMemory(List.of(da, db));
        assertSame(da, source.load(a));
        assertSame(db, source.load(b));
        assertEquals(List.of(), source.missing(a));
    }

    @Test
    void dataDifferingOnlyWhereNewlinesSplitThePartsHasDifferentDigests() throws Exception {
        // the parts were joined with newlines: labels ["a\nb", "c", ...] and ["a", "b\nc", ...] hashed
        // the same text, so a run manifest took one data set for the other
        Task one = InMemoryTasks.task("mem-nl", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("a\nb", "c", "yes"));
        Task two = InMemoryTasks.task("mem-nl", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("a", "b\nc", "yes"));
        List<TextExample> train = List.of(new TextExample("x0", "x", null, "yes"), new TextExample("x1", "y", null, "yes"));
        TaskData d1 = InMemoryTasks.data(one, train, train, List.of());
        TaskData d2 = InMemoryTasks.data(two, train, train, List.of());
        assertNotEquals(TaskDataSource.examplesDigest(d1), TaskDataSource.examplesDigest(d2));
    }

    @Test
    void newlineFreeDataCannotSpellTheLengthPrefixedTextOfOtherData() throws Exception {
        // TaskData takes any label list: two empty labels start the newline-joined text with the
        // length-prefixed form's marker, and the labels after it spell out the prefixed names; with
        // no examples the rest (split headers) is the same text
        Task task = InMemoryTasks.task("mem-mark", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("yes"));
        TaskData framed = labelled(task, List.of("a\nb", "c", "d\n"), EMPTY_TRAIN);
        TaskData joined = labelled(task, List.of("", "", "length-prefixed 3", "3:a", "b1:c2:d"), EMPTY_TRAIN);
        assertNotEquals(TaskDataSource.examplesDigest(framed), TaskDataSource.examplesDigest(joined));
    }

    @Test
    void dataWithoutNewlinesKeepsTheDigestRunManifestsAlreadyHold() throws Exception {
        // the text the digest has hashed since it was added: a manifest written before still matches
        Task task = InMemoryTasks.task("mem-old", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("no", "yes"));
        TaskData d = data(task, "good");
        assertEquals(newlineJoinedDigest(d), TaskDataSource.examplesDigest(d));
        // a comma inside a plain text field moves no boundary: such data keeps that text too
        TaskData commas = data(task, "well, good");
        assertEquals(newlineJoinedDigest(commas), TaskDataSource.examplesDigest(commas));
    }

    @Test
    void choicesThatOnlyACommaInsideAChoiceSetsApartHaveDifferentDigests() throws Exception {
        // the record text of ["a, b", "c"] and ["a", "b, c"] is the same "choices=[a, b, c]": a run
        // manifest took one data set for the other and resumed on data it never trained on
        Task task = InMemoryTasks.task("mem-choice", TaskGroup.C, TaskFormat.CHOICE, MetricType.ACCURACY, List.of());
        TaskData d1 = InMemoryTasks.data(task, List.of(new ChoiceExample("q0", "p", "why", List.of("a, b", "c"), 0)),
                List.of(new ChoiceExample("v0", "p", "why", List.of("x", "y"), 1)), List.of());
        TaskData d2 = InMemoryTasks.data(task, List.of(new ChoiceExample("q0", "p", "why", List.of("a", "b, c"), 0)),
                List.of(new ChoiceExample("v0", "p", "why", List.of("x", "y"), 1)), List.of());
        assertEquals(d1.splits().get(io.github.prefine.core.task.Split.TRAIN).get(0).toString(),
                d2.splits().get(io.github.prefine.core.task.Split.TRAIN).get(0).toString());
        assertNotEquals(TaskDataSource.examplesDigest(d1), TaskDataSource.examplesDigest(d2));
    }

    @Test
    void aTextThatSpellsAFieldBoundaryOrNullHasADigestOfItsOwn() throws Exception {
        // "TextExample[id=x, textA=a, textB=null, label=yes]" is the text of textB null and of textB
        // "null"; and textA "a, textB=null" with textB null reads as textA "a" with textB "null, textB=null"
        Task task = InMemoryTasks.task("mem-pair", TaskGroup.C, TaskFormat.TEXT_PAIR, MetricType.ACCURACY,
                List.of("no", "yes"));
        List<TextExample> other = List.of(new TextExample("v", "b", "c", "no"));
        TaskData none = InMemoryTasks.data(task, List.of(new TextExample("x", "a", null, "yes")), other, List.of());
        TaskData word = InMemoryTasks.data(task, List.of(new TextExample("x", "a", "null", "yes")), other, List.of());
        TaskData moved = InMemoryTasks.data(task, List.of(new TextExample("x", "a, textB=null", null, "yes")), other,
                List.of());
        TaskData movedBack = InMemoryTasks.data(task, List.of(new TextExample("x", "a", "null, textB=null", "yes")),
                other, List.of());
        assertNotEquals(TaskDataSource.examplesDigest(none), TaskDataSource.examplesDigest(word));
        assertEquals(moved.splits().toString(), movedBack.splits().toString());
        assertNotEquals(TaskDataSource.examplesDigest(moved), TaskDataSource.examplesDigest(movedBack));
    }

    @Test
    void labelsThatReadAsASplitHeaderOrNoLabelHaveADigestOfTheirOwn() throws Exception {
        // the newline-joined text does not count the labels: labels ["yes", "TRAIN 0"] with no splits
        // and ["yes"] with an empty train split both read "yes\nTRAIN 0\n", and labels [] and [""]
        // both read "\n", so a run manifest took one data set for the other
        Task task = InMemoryTasks.task("mem-labels", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                List.of("yes"));
        TaskData header = labelled(task, List.of("yes", "TRAIN 0"), java.util.Map.of());
        TaskData split = labelled(task, List.of("yes"), EMPTY_TRAIN);
        assertNotEquals(TaskDataSource.examplesDigest(header), TaskDataSource.examplesDigest(split));
        TaskData noLabel = labelled(task, List.of(), EMPTY_TRAIN);
        TaskData emptyLabel = labelled(task, List.of(""), EMPTY_TRAIN);
        assertNotEquals(TaskDataSource.examplesDigest(noLabel), TaskDataSource.examplesDigest(emptyLabel));
        // labels that merely hold a split's name keep the digest run manifests already hold
        TaskData named = labelled(task, List.of("TRAIN", "TEST 1b"), EMPTY_TRAIN);
        assertEquals(newlineJoinedDigest(named), TaskDataSource.examplesDigest(named));
    }

    /** The SHA-256 of the text the digest has hashed since it was added: labels, then each split's records. */
    private static String newlineJoinedDigest(TaskData d) throws Exception {
        StringBuilder text = new StringBuilder(String.join("\n", d.labels())).append('\n');
        for (var e : d.splits().entrySet()) {
            text.append(e.getKey()).append(' ').append(e.getValue().size()).append('\n');
            for (var x : e.getValue()) {
                text.append(x).append('\n');
            }
        }
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
