package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.eval.metrics.MetricType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRegistryTest {
    @Test
    void powerSetOfThreeGroupsInDocumentedOrder() {
        List<String> names = TaskCatalog.prefinetuningRegistry().combinations().stream()
                .map(GroupCombination::name).toList();
        assertEquals(List.of("Only-SL", "Only-QA", "Only-C", "SL+QA", "SL+C", "QA+C", "SL+QA+C"), names);
    }

    @Test
    void combinationsTakeAtMostTwentyGroups() {
        // "at most 20": 20 groups give 2^20 - 1 combinations, a 21st is refused
        List<TaskGroup> twenty = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> TaskGroup.of("G" + i)).toList();
        List<GroupCombination> all = TaskRegistry.combinations(twenty);
        assertEquals((1 << 20) - 1, all.size());
        assertEquals("G1+G2+G3+G4+G5+G6+G7+G8+G9+G10+G11+G12+G13+G14+G15+G16+G17+G18+G19+G20",
                all.get(all.size() - 1).name());
        List<TaskGroup> twentyOne = new java.util.ArrayList<>(twenty);
        twentyOne.add(TaskGroup.of("G21"));
        assertThrows(IllegalArgumentException.class, () -> TaskRegistry.combinations(twentyOne));
    }

    @Test
    void catalogCounts29PrefinetuningAnd12Targets() {
        TaskRegistry r = TaskCatalog.prefinetuningRegistry();
        assertEquals(29, r.tasks().size());
        assertEquals(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C), r.groups());
        assertEquals(15, r.tasks(TaskGroup.SL).size());
        assertEquals(8, r.tasks(TaskGroup.C).size());
        assertEquals(6, r.tasks(TaskGroup.QA).size());
        assertEquals(14, r.tasks(GroupCombination.of(List.of(TaskGroup.QA, TaskGroup.C))).size());
        Map<String, Integer> targetGroups = new TreeMap<>();
        TaskCatalog.targets().forEach(t -> targetGroups.merge(t.group().name(), 1, Integer::sum));
        assertEquals(Map.of("C", 4, "QA", 4, "SL", 4), targetGroups);
        for (Task t : TaskCatalog.all()) {
            MetricType expected = t.group().equals(TaskGroup.SL) ? MetricType.SPAN_F1
                    : t.group().equals(TaskGroup.QA) ? MetricType.SQUAD_F1
                    : t.name().equals("cb") ? MetricType.MACRO_F1 : MetricType.ACCURACY;
            assertEquals(expected, t.metric(), t.name());
        }
        assertEquals(TaskFormat.CHOICE, TaskCatalog.task("copa").format());
        assertEquals(TaskFormat.SINGLE_TEXT, TaskCatalog.task("cola").format());
        assertEquals(TaskFormat.TEXT_PAIR, TaskCatalog.task("rte").format());
    }

    @Test
    void everyCombinationHoldsItsGroupsTasksAndNoOther() {
        // the paper's groups: 15 SL, 6 QA and 8 C pre-finetuning tasks
        TaskRegistry r = TaskCatalog.prefinetuningRegistry();
        Map<String, Integer> sizes = new TreeMap<>();
        for (GroupCombination c : r.combinations()) {
            List<Task> tasks = r.tasks(c);
            sizes.put(c.name(), tasks.size());
            assertTrue(tasks.stream().allMatch(t -> c.groups().contains(t.group())), c.name());
        }
        assertEquals(Map.of("Only-SL", 15, "Only-QA", 6, "Only-C", 8, "SL+QA", 21, "SL+C", 23, "QA+C", 14,
                "SL+QA+C", 29), sizes);
    }

    @Test
    void anUnknownCatalogNameIsRefusedNamingTheKnownOnes() {
        // names are exact: "SQuAD" is not "squad"
        java.util.NoSuchElementException e = assertThrows(java.util.NoSuchElementException.class,
                () -> TaskCatalog.task("SQuAD"));
        assertTrue(e.getMessage().contains("'SQuAD'"), e.getMessage());
        for (String known : List.of("squad", "conll2003-en", "cb", "xquad-en")) {
            assertTrue(e.getMessage().contains(known), known + " in " + e.getMessage());
        }
        java.util.NoSuchElementException r = assertThrows(java.util.NoSuchElementException.class,
                () -> TaskCatalog.prefinetuningRegistry().task("SQuAD"));
        assertTrue(r.getMessage().contains("squad"), r.getMessage());
    }

    @Test
    void userGroupsFollowBuiltInsAndCompareByName() {
        TaskGroup custom = TaskGroup.of("NLI");
        assertEquals(custom, TaskGroup.of("NLI"));
        assertTrue(TaskGroup.of("SL") == TaskGroup.SL);
        Task t = TaskCatalog.task("rte").toBuilder().setName("rte-nli").setGroup(custom).build();
        TaskRegistry r = TaskRegistry.builder().register(t).registerAll(TaskCatalog.targets()).build();
        assertEquals(List.of(TaskGroup.SL, TaskGroup.QA, TaskGroup.C, custom), r.groups());
        assertEquals(15, r.combinations().size());
        assertEquals("Only-NLI", r.combinations().get(3).name());
        assertEquals(t, r.task("rte-nli"));
        assertEquals(List.of(t), r.tasks(custom));
        assertThrows(IllegalArgumentException.class, () -> TaskGroup.of("A+B"));
        assertThrows(IllegalArgumentException.class, () -> TaskRegistry.builder().register(t).register(t));
        assertThrows(java.util.NoSuchElementException.class, () -> r.task("nope"));
        assertFalse(r.find("nope").isPresent());
        assertEquals(java.util.Optional.of(t), r.find("rte-nli"));
        // only the groups that hold a task: no built-in group without one
        assertEquals(List.of(TaskGroup.C), TaskRegistry.builder().register(TaskCatalog.task("rte")).build().groups());
    }

    @Test
    void registerAllRegistersNothingWhenItRefusesAName() {
        Task rte = TaskCatalog.task("rte");
        Task cola = TaskCatalog.task("cola");
        Task sst2 = TaskCatalog.task("sst2");
        TaskRegistry.Builder b = TaskRegistry.builder().register(rte);
        // cola would come before the repeated rte: a caller who catches the error must not find it registered
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.registerAll(List.of(cola, rte, sst2)));
        assertEquals("task 'rte' is already registered", e.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> b.registerAll(List.of(cola, sst2, cola)));
        assertEquals("task 'cola' appears twice in the tasks to register", twice.getMessage());
        assertThrows(NullPointerException.class, () -> b.registerAll(java.util.Arrays.asList(cola, null)));
        assertEquals(List.of(rte), b.build().tasks());
        // and the builder still takes them
        assertEquals(List.of(rte, cola, sst2), b.registerAll(List.of(cola, sst2)).build().tasks());
    }

    @Test
    void missingFilesMakeATaskUnavailableNotTheRegistry(@TempDir Path root) {
        TaskRegistry r = TaskCatalog.prefinetuningRegistry();
        List<TaskAvailability> all = r.availability(root);
        assertEquals(29, all.size());
        assertTrue(all.stream().noneMatch(TaskAvailability::available));
        TaskAvailability cola = r.task("cola").availability(root);
        assertEquals(List.of(root.resolve("cls/glue_cola/train.tsv").toAbsolutePath().normalize(),
                root.resolve("cls/glue_cola/dev.tsv").toAbsolutePath().normalize()), cola.missing());
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> r.task("cola").load(root, io.github.prefine.core.data.Leniency.STRICT));
    }

    @Test
    void anAbsoluteTaskFilePathIsRefusedWithWhereRelativePathsStart() {
        // a user pointing a task at their own file by absolute path was told only "path must be
        // relative", not relative to what: the data root comes later, in Task.load
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{a}").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskSource.builder().add(Split.TRAIN, "/data/mine/train.tsv", reader));
        assertEquals("a task file's path is relative to the data root given to Task.load (for files in"
                + " /data/mine/train.tsv: root /data, path mine/train.tsv), found '/data/mine/train.tsv'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskSource.builder().add(Split.TRAIN, " ", reader));
    }

    @Test
    void aTaskFileWhoseDotsClimbOutOfTheDataRootIsRefusedNamingTheTaskAndThePath(@TempDir Path root) {
        // '../../etc/x' resolved against the root and was read wherever it led
        TsvClassificationReader reader = TsvClassificationReader.builder().setTextA("{a}").build();
        String why = "leads out of the data root: a task file's path is relative to the data root given to Task.load,"
                + " and its '..' segments may not climb above it; put the file under the data root, or give a root"
                + " that holds it";
        Task.Builder b = Task.builder().setName("mine").setGroup(TaskGroup.C).setFormat(TaskFormat.SINGLE_TEXT)
                .setMetric(MetricType.ACCURACY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setSource(TaskSource.builder()
                .add(Split.TRAIN, "mine/train.tsv", reader).add(Split.VALIDATION, "../../etc/x", reader).build()).build());
        assertEquals("mine: validation file '../../etc/x' " + why, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.setSource(TaskSource.builder()
                .optHoldOut("mine/../../x.tsv", reader, 1, TaskSource.BY_ID).build()).build());
        assertEquals("mine: hold-out file 'mine/../../x.tsv' " + why, e.getMessage());
        // a source used without a task is refused where it is resolved
        SplitSource bare = new SplitSource(Split.TRAIN, "../x.tsv", reader);
        e = assertThrows(IllegalArgumentException.class, () -> TaskSource.resolve(root, bare));
        assertEquals("'../x.tsv' " + why, e.getMessage());
        // dots that stay inside the root are a path like any other
        Task inside = b.setSource(TaskSource.builder().add(Split.TRAIN, "mine/.././theirs/train.tsv", reader).build())
                .build();
        assertEquals(List.of(root.resolve("theirs/train.tsv").toAbsolutePath().normalize()),
                inside.availability(root).missing());
    }

    @Test
    void buildValidatesTasks() {
        TaskSource qaSource = TaskSource.builder().add(Split.TRAIN, "x.tsv",
                TsvClassificationReader.builder().setTextA("{a}").build()).build();
        Task.Builder b = Task.builder().setName("bad").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1).setSource(qaSource);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals("bad: x.tsv is read as TextExample, format qa (TaskFormat.QA) needs QaExample", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Task.builder().setName("x").build());
        assertThrows(IllegalArgumentException.class, () -> TaskCatalog.task("rte").toBuilder()
                .optLabels(List.of("a", "a")).build());
    }

    @Test
    void aCombinationIsASetAndNullGroupsAreRefused() {
        // GroupCombination: "a non-empty set of task groups"; SL+SL is no set
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> GroupCombination.of(List.of(TaskGroup.SL, TaskGroup.SL)));
        assertTrue(twice.getMessage().contains("SL"), twice.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GroupCombination("SL+C+SL", List.of(TaskGroup.SL, TaskGroup.C, TaskGroup.SL)));
        TaskRegistry r = TaskCatalog.prefinetuningRegistry();
        // a null group is a caller's mistake, not a group without tasks
        assertThrows(NullPointerException.class, () -> r.tasks((TaskGroup) null));
        NullPointerException inList = assertThrows(NullPointerException.class,
                () -> TaskRegistry.combinations(Arrays.asList(TaskGroup.SL, null)));
        assertEquals("groups[1]", inList.getMessage());
    }
}
