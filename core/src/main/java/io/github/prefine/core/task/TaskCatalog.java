package io.github.prefine.core.task;

import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.CopaReader;
import io.github.prefine.core.data.DatasetReader;
import io.github.prefine.core.data.JsonlClassificationReader;
import io.github.prefine.core.data.MrqaReader;
import io.github.prefine.core.data.QedReader;
import io.github.prefine.core.data.SeededSplit;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.SubjQaReader;
import io.github.prefine.core.data.FileTagScheme;
import io.github.prefine.core.data.TsvClassificationReader;
import io.github.prefine.core.data.WicReader;
import io.github.prefine.eval.metrics.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The built-in tasks of the paper "scale vs relatedness in multi-task pre-finetuning": 29
 * pre-finetuning tasks and 12 target tasks, each with its group, format, metric and file layout
 * under a data root (documented in {@code docs/data-layout.md}).
 *
 * <p>The 29 pre-finetuning tasks are 15 sequence-labelling tasks (SL), the 8 GLUE classification
 * tasks (C: CoLA, SST-2, MRPC, QQP, MNLI, QNLI, RTE, WNLI; STS-B is regression and is not one of
 * them) and the 6 MRQA training sets (QA). The 12 targets are 4 per group. Metrics: SL {@link
 * MetricType#SPAN_F1}; QA {@link MetricType#SQUAD_F1}; C {@link MetricType#ACCURACY} except CB,
 * {@link MetricType#MACRO_F1}.
 *
 * <p>Stateless; every call returns new, immutable tasks.
 */
public final class TaskCatalog {
    private TaskCatalog() {}

    private static final ConllReader CONLL_IOB2 = ConllReader.builder().build();
    private static final ConllReader CONLL_IOB1 = ConllReader.builder().optScheme(FileTagScheme.IOB1).build();
    private static final ConllReader TAB_IOB2 = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();
    private static final ConllReader TAG_FIRST = ConllReader.builder()
            .optSeparator(ConllReader.Separator.TAB).optColumns(2).optTagColumn(0).optTokenColumn(1).build();
    private static final ConllReader FEW_NERD = ConllReader.builder()
            .optSeparator(ConllReader.Separator.TAB).optScheme(FileTagScheme.IO).build();

    private static final List<String> BINARY = List.of("0", "1");
    private static final List<String> NLI3 = List.of("contradiction", "entailment", "neutral");
    private static final List<String> NLI2 = List.of("entailment", "not_entailment");
    private static final List<String> BOOL = List.of("false", "true");

    /**
     * Returns the 29 pre-finetuning tasks: SL, then C (GLUE), then QA (MRQA), each in the paper's
     * order.
     *
     * @return the tasks
     */
    public static List<Task> prefinetuning() {
        List<Task> t = new ArrayList<>();
        t.add(sl("conll2003-en", three("sl/conll2003/eng.train", "sl/conll2003/eng.testa", "sl/conll2003/eng.testb", CONLL_IOB1)));
        t.add(sl("conll2002-es", three("sl/conll2002/es/esp.train", "sl/conll2002/es/esp.testa", "sl/conll2002/es/esp.testb", CONLL_IOB2)));
        t.add(sl("conll2002-nl", three("sl/conll2002/nl/ned.train", "sl/conll2002/nl/ned.testa", "sl/conll2002/nl/ned.testb", CONLL_IOB2)));
        t.add(sl("conll2003-de", three("sl/conll2003_de/deu.train", "sl/conll2003_de/deu.testa", "sl/conll2003_de/deu.testb", CONLL_IOB1)));
        t.add(sl("ontonotes-en", three("sl/ontonotes/en/train.conll", "sl/ontonotes/en/dev.conll", "sl/ontonotes/en/test.conll", TAB_IOB2)));
        t.add(sl("ontonotes-zh", three("sl/ontonotes/zh/train.conll", "sl/ontonotes/zh/dev.conll", "sl/ontonotes/zh/test.conll", TAB_IOB2)));
        t.add(sl("anem", two("sl/anem/AnEM.train", Split.TEST, "sl/anem/AnEM.test", TAB_IOB2)));
        t.add(sl("gum", two("sl/gum/gum-train.conll", Split.TEST, "sl/gum/gum-test.conll", TAB_IOB2)));
        t.add(sl("gmb", three("sl/gmb/train.conll", "sl/gmb/dev.conll", "sl/gmb/test.conll", TAB_IOB2)));
        t.add(sl("sec-filings", two("sl/sec_filings/FIN5.txt", Split.TEST, "sl/sec_filings/FIN3.txt", CONLL_IOB1)));
        t.add(sl("re3d", two("sl/re3d/re3d-train.conll", Split.TEST, "sl/re3d/re3d-test.conll", TAB_IOB2)));
        t.add(sl("malware-textdb", three("sl/malware_textdb/train.conll", "sl/malware_textdb/dev.conll", "sl/malware_textdb/test.conll", CONLL_IOB2)));
        t.add(sl("few-nerd", three("sl/fewnerd/supervised/train.txt", "sl/fewnerd/supervised/dev.txt", "sl/fewnerd/supervised/test.txt", FEW_NERD)));
        t.add(sl("snips", three("sl/snips/bio/train.bio", "sl/snips/bio/valid.bio", "sl/snips/bio/test.bio", TAB_IOB2)));
        // ATIS test has slot types absent from train: its label set is learned from all splits
        t.add(sl("atis", three("sl/atis/bio/train.bio", "sl/atis/bio/valid.bio", "sl/atis/bio/test.bio", TAB_IOB2))
                .toBuilder().optLearnLabelsFrom(java.util.EnumSet.allOf(Split.class)).build());

        List<String> cola = List.of("source", "label", "orig_label", "sentence");
        t.add(glue("cola", TaskFormat.SINGLE_TEXT, BINARY, "cls/glue_cola",
                TsvClassificationReader.builder().optColumnNames(cola).setTextA("{sentence}").optLabel("label").build()));
        t.add(glue("sst2", TaskFormat.SINGLE_TEXT, BINARY, "cls/glue_sst2",
                TsvClassificationReader.builder().setTextA("{sentence}").optLabel("label").build()));
        t.add(glue("mrpc", TaskFormat.TEXT_PAIR, BINARY, "cls/glue_mrpc",
                TsvClassificationReader.builder().setTextA("{#1 String}").optTextB("{#2 String}").optLabel("Quality").build()));
        t.add(glue("qqp", TaskFormat.TEXT_PAIR, BINARY, "cls/glue_qqp",
                TsvClassificationReader.builder().setTextA("{question1}").optTextB("{question2}").optLabel("is_duplicate").build()));
        TsvClassificationReader mnli = TsvClassificationReader.builder()
                .setTextA("{sentence1}").optTextB("{sentence2}").optLabel("gold_label").build();
        t.add(Task.builder().setName("mnli").setGroup(TaskGroup.C).setFormat(TaskFormat.TEXT_PAIR)
                .setMetric(MetricType.ACCURACY).optLabels(NLI3)
                .setSource(TaskSource.builder().add(Split.TRAIN, "cls/glue_mnli/train.tsv", mnli)
                        .add(Split.VALIDATION, "cls/glue_mnli/dev_matched.tsv", mnli).build())
                .build());
        t.add(glue("qnli", TaskFormat.TEXT_PAIR, NLI2, "cls/glue_qnli",
                TsvClassificationReader.builder().setTextA("{question}").optTextB("{sentence}").optLabel("label").build()));
        TsvClassificationReader pair = TsvClassificationReader.builder()
                .setTextA("{sentence1}").optTextB("{sentence2}").optLabel("label").build();
        t.add(glue("rte", TaskFormat.TEXT_PAIR, NLI2, "cls/glue_rte", pair));
        t.add(glue("wnli", TaskFormat.TEXT_PAIR, BINARY, "cls/glue_wnli", pair));

        t.add(Task.builder().setName("squad").setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1)
                .setSource(TaskSource.builder()
                        .add(Split.TRAIN, "qa/squad_v1.1/train-v1.1.json", new SquadReader())
                        .add(Split.VALIDATION, "qa/squad_v1.1/dev-v1.1.json", new SquadReader()).build())
                .build());
        for (String[] m : new String[][] {
            {"newsqa", "NewsQA"}, {"triviaqa", "TriviaQA-web"}, {"searchqa", "SearchQA"},
            {"hotpotqa", "HotpotQA"}, {"naturalquestions", "NaturalQuestionsShort"}}) {
            t.add(Task.builder().setName(m[0]).setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                    .setMetric(MetricType.SQUAD_F1)
                    .setSource(TaskSource.builder()
                            .add(Split.TRAIN, "qa/mrqa/train/" + m[1] + ".jsonl.gz", new MrqaReader())
                            .add(Split.VALIDATION, "qa/mrqa/dev/" + m[1] + ".jsonl.gz", new MrqaReader()).build())
                    .build());
        }
        return List.copyOf(t);
    }

    /**
     * Returns the 12 target tasks: SL (WNUT17, Wikigold, NCBI Disease, MIT Movie), C (BoolQ, CB,
     * COPA, WiC), QA (Adversarial SQuAD, SubjQA books, QED, XQuAD-en).
     *
     * @return the tasks
     */
    public static List<Task> targets() {
        List<Task> t = new ArrayList<>();
        t.add(sl("wnut17", three("sl/wnut17/wnut17train.conll", "sl/wnut17/emerging.dev.conll",
                "sl/wnut17/emerging.test.annotated", TAB_IOB2)));
        t.add(sl("wikigold", TaskSource.builder()
                .optHoldOut("sl/wikigold/wikigold.conll.txt", CONLL_IOB1, SeededSplit.DEFAULT_SEED, TaskSource.BY_ID)
                .build()));
        t.add(sl("ncbi-disease", three("sl/ncbi_disease/train.tsv", "sl/ncbi_disease/devel.tsv", "sl/ncbi_disease/test.tsv", TAB_IOB2)));
        t.add(sl("mit-movie", two("sl/mit_movie/engtrain.bio", Split.TEST, "sl/mit_movie/engtest.bio", TAG_FIRST)));

        t.add(Task.builder().setName("boolq").setGroup(TaskGroup.C).setFormat(TaskFormat.TEXT_PAIR)
                .setMetric(MetricType.ACCURACY).optLabels(BOOL)
                .setSource(TaskSource.builder()
                        .add(Split.TRAIN, "cls/boolq/train.jsonl", JsonlClassificationReader.boolq())
                        .add(Split.VALIDATION, "cls/boolq/val.jsonl", JsonlClassificationReader.boolq()).build())
                .build());
        t.add(Task.builder().setName("cb").setGroup(TaskGroup.C).setFormat(TaskFormat.TEXT_PAIR)
                .setMetric(MetricType.MACRO_F1).optLabels(NLI3)
                .setSource(TaskSource.builder()
                        .add(Split.TRAIN, "cls/cb/train.jsonl", JsonlClassificationReader.premiseHypothesis())
                        .add(Split.VALIDATION, "cls/cb/val.jsonl", JsonlClassificationReader.premiseHypothesis()).build())
                .build());
        t.add(Task.builder().setName("copa").setGroup(TaskGroup.C).setFormat(TaskFormat.CHOICE)
                .setMetric(MetricType.ACCURACY)
                .setSource(TaskSource.builder()
                        .add(Split.TRAIN, "cls/copa/train.jsonl", new CopaReader())
                        .add(Split.VALIDATION, "cls/copa/val.jsonl", new CopaReader()).build())
                .build());
        t.add(Task.builder().setName("wic").setGroup(TaskGroup.C).setFormat(TaskFormat.TEXT_PAIR)
                .setMetric(MetricType.ACCURACY).optLabels(BOOL)
                .setSource(TaskSource.builder()
                        .add(Split.TRAIN, "cls/wic/original/train.data.txt", new WicReader())
                        .add(Split.VALIDATION, "cls/wic/original/dev.data.txt", new WicReader())
                        .add(Split.TEST, "cls/wic/original/test.data.txt", new WicReader()).build())
                .build());

        t.add(qa("squad-adversarial", TaskSource.builder()
                .optHoldOut("qa/squad_adversarial/sample1k-HCVerifyAll.json", new SquadReader(),
                        SeededSplit.DEFAULT_SEED, TaskSource.BY_ID_PREFIX).build()));
        t.add(qa("subjqa-books", TaskSource.builder()
                .add(Split.TRAIN, "qa/subjqa/books/train.csv", new SubjQaReader())
                .add(Split.VALIDATION, "qa/subjqa/books/dev.csv", new SubjQaReader())
                .add(Split.TEST, "qa/subjqa/books/test.csv", new SubjQaReader()).build()));
        t.add(qa("qed", TaskSource.builder()
                .optHoldOut("qa/qed/qed-dev.jsonlines", new QedReader(), SeededSplit.DEFAULT_SEED, TaskSource.BY_ID)
                .build()));
        t.add(qa("xquad-en", TaskSource.builder()
                .optHoldOut("qa/xquad/xquad.en.json", new SquadReader(), SeededSplit.DEFAULT_SEED, TaskSource.BY_ID)
                .build()));
        return List.copyOf(t);
    }

    /**
     * Returns the pre-finetuning tasks followed by the targets.
     *
     * @return all 41 tasks
     */
    public static List<Task> all() {
        List<Task> t = new ArrayList<>(prefinetuning());
        t.addAll(targets());
        return List.copyOf(t);
    }

    /**
     * Returns a registry of the 29 pre-finetuning tasks.
     *
     * @return the registry
     */
    public static TaskRegistry prefinetuningRegistry() {
        return TaskRegistry.builder().registerAll(prefinetuning()).build();
    }

    /**
     * Returns one catalogued task by name.
     *
     * @param name the task name, exactly as catalogued (case counts)
     * @return the task
     * @throws NoSuchElementException if the catalog has no such task; the message lists the names it has
     */
    public static Task task(String name) {
        List<Task> all = all();
        return all.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("the catalog has no task named '" + name + "'; known: "
                        + all.stream().map(Task::name).toList()));
    }

    private static Task sl(String name, TaskSource source) {
        return Task.builder().setName(name).setGroup(TaskGroup.SL).setFormat(TaskFormat.TOKEN)
                .setMetric(MetricType.SPAN_F1).setSource(source).build();
    }

    private static Task qa(String name, TaskSource source) {
        return Task.builder().setName(name).setGroup(TaskGroup.QA).setFormat(TaskFormat.QA)
                .setMetric(MetricType.SQUAD_F1).setSource(source).build();
    }

    private static Task glue(String name, TaskFormat format, List<String> labels, String dir,
            DatasetReader<?> reader) {
        return Task.builder().setName(name).setGroup(TaskGroup.C).setFormat(format)
                .setMetric(MetricType.ACCURACY).optLabels(labels)
                .setSource(TaskSource.builder().add(Split.TRAIN, dir + "/train.tsv", reader)
                        .add(Split.VALIDATION, dir + "/dev.tsv", reader).build())
                .build();
    }

    private static TaskSource three(String train, String dev, String test, DatasetReader<?> reader) {
        return TaskSource.builder().add(Split.TRAIN, train, reader).add(Split.VALIDATION, dev, reader)
                .add(Split.TEST, test, reader).build();
    }

    private static TaskSource two(String train, Split other, String otherPath, DatasetReader<?> reader) {
        return TaskSource.builder().add(Split.TRAIN, train, reader).add(other, otherPath, reader).build();
    }
}
