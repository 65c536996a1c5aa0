package io.github.prefine.examples.data;

import static io.github.prefine.core.task.Split.TEST;
import static io.github.prefine.core.task.Split.TRAIN;
import static io.github.prefine.core.task.Split.VALIDATION;

import io.github.prefine.core.task.Split;
import io.github.prefine.examples.data.HubDataset.Conll;
import io.github.prefine.examples.data.HubDataset.Jsonl;
import io.github.prefine.examples.data.HubDataset.LabelForm;
import io.github.prefine.examples.data.HubDataset.Mrqa;
import io.github.prefine.examples.data.HubDataset.Qed;
import io.github.prefine.examples.data.HubDataset.SplitRule;
import io.github.prefine.examples.data.HubDataset.Squad;
import io.github.prefine.examples.data.HubDataset.SubjQa;
import io.github.prefine.examples.data.HubDataset.Tsv;
import io.github.prefine.examples.data.HubDataset.Wic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mapping from catalogued tasks to Hugging Face Hub datasets: the one place in code that says
 * where {@code prefine data fetch} gets each task (mirrored in {@code docs/data.md}, which a test
 * keeps in step).
 *
 * <p>Tasks without a Hub source ({@link #handLaidOnly()}) have no public copy on the Hub in a form
 * that carries its label names (licensed corpora, or copies that keep labels outside the data); they
 * are laid out by hand as {@code docs/data-layout.md} describes.
 *
 * <p>The ids were current Hub names when this table was written; they could not be checked against
 * the live Hub from the build machine, which has no internet. A moved or renamed dataset shows up
 * as a one-line 404 error naming the id.
 */
public final class HubDatasets {
    private HubDatasets() {}

    private static final String GLUE = "nyu-mll/glue";
    private static final String SUPER_GLUE = "aps/super_glue";
    private static final String MRQA = "mrqa-workshop/mrqa";

    /**
     * Returns the mapping of every task that has a Hub source, in catalog order.
     *
     * @return one entry per task
     */
    public static List<HubDataset> all() {
        List<HubDataset> t = new ArrayList<>();
        Conll conllSpace = new Conll("tokens", "ner_tags", false);
        Conll conllTab = new Conll("tokens", "ner_tags", true);
        t.add(three("conll2003-en", "eriktks/conll2003", "conll2003", conllSpace));
        t.add(three("conll2002-es", "eriktks/conll2002", "es", conllSpace));
        t.add(three("conll2002-nl", "eriktks/conll2002", "nl", conllSpace));
        t.add(three("few-nerd", "DFKI-SLT/few-nerd", "supervised", new Conll("tokens", "fine_ner_tags", true)));

        t.add(glue("cola", new Tsv(List.of("source", "label", "orig_label", "sentence"),
                List.of("const:hub", "label", "const:-", "col:sentence"), "label", LabelForm.INDEX, false)));
        t.add(glue("sst2", new Tsv(List.of("sentence", "label"), List.of("col:sentence", "label"), "label",
                LabelForm.INDEX, true)));
        t.add(glue("mrpc", new Tsv(List.of("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"),
                List.of("label", "col:idx", "col:idx", "col:sentence1", "col:sentence2"), "label", LabelForm.INDEX, true)));
        t.add(glue("qqp", new Tsv(List.of("id", "question1", "question2", "is_duplicate"),
                List.of("col:idx", "col:question1", "col:question2", "label"), "label", LabelForm.INDEX, true)));
        t.add(new HubDataset("mnli", GLUE, "mnli", ordered("train", TRAIN, "validation_matched", VALIDATION),
                SplitRule.AS_PUBLISHED, new Tsv(List.of("index", "sentence1", "sentence2", "gold_label"),
                        List.of("col:idx", "col:premise", "col:hypothesis", "label"), "label", LabelForm.NAME, true)));
        t.add(glue("qnli", new Tsv(List.of("index", "question", "sentence", "label"),
                List.of("col:idx", "col:question", "col:sentence", "label"), "label", LabelForm.NAME, true)));
        Tsv pair = new Tsv(List.of("index", "sentence1", "sentence2", "label"),
                List.of("col:idx", "col:sentence1", "col:sentence2", "label"), "label", LabelForm.NAME, true);
        t.add(glue("rte", pair));
        t.add(glue("wnli", new Tsv(pair.header(), pair.sources(), "label", LabelForm.INDEX, true)));

        t.add(new HubDataset("squad", "rajpurkar/squad", "plain_text", ordered("train", TRAIN, "validation", VALIDATION),
                SplitRule.AS_PUBLISHED, new Squad("title")));
        for (String[] m : new String[][] {
            {"newsqa", "NewsQA"}, {"triviaqa", "TriviaQA-web"}, {"searchqa", "SearchQA"},
            {"hotpotqa", "HotpotQA"}, {"naturalquestions", "NaturalQuestionsShort"}}) {
            t.add(new HubDataset(m[0], MRQA, "plain_text", ordered("train", TRAIN, "validation", VALIDATION),
                    SplitRule.AS_PUBLISHED, new Mrqa(m[1])));
        }

        t.add(three("wnut17", "leondz/wnut_17", "wnut_17", conllTab));
        t.add(three("ncbi-disease", "ncbi/ncbi_disease", "ncbi_disease", conllTab));
        t.add(superGlue("boolq", new Jsonl(fields("question", "col:question", "passage", "col:passage", "idx", "col:idx",
                "label", "label"), "label", LabelForm.NAME)));
        t.add(superGlue("cb", new Jsonl(fields("premise", "col:premise", "hypothesis", "col:hypothesis", "idx", "col:idx",
                "label", "label"), "label", LabelForm.NAME)));
        t.add(superGlue("copa", new Jsonl(fields("premise", "col:premise", "choice1", "col:choice1", "choice2",
                "col:choice2", "question", "col:question", "idx", "col:idx", "label", "label"), "label", LabelForm.INDEX)));
        t.add(new HubDataset("wic", SUPER_GLUE, "wic", ordered("train", TRAIN, "validation", VALIDATION, "test", TEST),
                SplitRule.AS_PUBLISHED, new Wic()));
        t.add(new HubDataset("squad-adversarial", "stanfordnlp/squad_adversarial", "AddSent",
                ordered("validation", TRAIN), SplitRule.HOLD_OUT_4_1, new Squad("title")));
        t.add(new HubDataset("subjqa-books", "megagonlabs/subjqa", "books",
                ordered("train", TRAIN, "validation", VALIDATION, "test", TEST), SplitRule.AS_PUBLISHED, new SubjQa()));
        t.add(new HubDataset("qed", "google-research-datasets/qed", "qed", ordered("validation", TRAIN),
                SplitRule.HOLD_OUT_4_1, new Qed()));
        t.add(new HubDataset("xquad-en", "google/xquad", "xquad.en", ordered("validation", TRAIN),
                SplitRule.HOLD_OUT_4_1, new Squad(null)));
        return List.copyOf(t);
    }

    /**
     * Returns the tasks with no Hub source, each with the reason.
     *
     * @return task name to reason, in catalog order
     */
    public static Map<String, String> handLaidOnly() {
        Map<String, String> m = new LinkedHashMap<>();
        String licensed = "licensed corpus, not redistributed on the Hub";
        String noLabels = "no Hub copy known that carries its label names in its features";
        m.put("conll2003-de", licensed);
        m.put("ontonotes-en", licensed + " (LDC)");
        m.put("ontonotes-zh", licensed + " (LDC)");
        m.put("anem", noLabels);
        m.put("gum", "the catalog uses juand-r's 2017 NER view of GUM, which is not on the Hub");
        m.put("gmb", noLabels);
        m.put("sec-filings", noLabels);
        m.put("re3d", "the catalog uses juand-r's re-export of re3d, which is not on the Hub");
        m.put("malware-textdb", "no public copy found");
        m.put("snips", "the catalog uses the Goo et al. 2018 slot-filling split, which is not on the Hub with tag names");
        m.put("atis", "the catalog uses the Goo et al. 2018 slot-filling split, which is not on the Hub with tag names");
        m.put("wikigold", noLabels);
        m.put("mit-movie", noLabels);
        return m;
    }

    /**
     * Returns the mapping of one task.
     *
     * @param task the catalog task name
     * @return the mapping, or empty when the task has no Hub source
     */
    public static Optional<HubDataset> forTask(String task) {
        return all().stream().filter(d -> d.task().equals(task)).findFirst();
    }

    private static HubDataset three(String task, String repo, String config, HubDataset.Conversion c) {
        return new HubDataset(task, repo, config, ordered("train", TRAIN, "validation", VALIDATION, "test", TEST),
                SplitRule.AS_PUBLISHED, c);
    }

    private static HubDataset glue(String task, Tsv tsv) {
        return new HubDataset(task, GLUE, task, ordered("train", TRAIN, "validation", VALIDATION), SplitRule.AS_PUBLISHED, tsv);
    }

    private static HubDataset superGlue(String task, Jsonl jsonl) {
        return new HubDataset(task, SUPER_GLUE, task, ordered("train", TRAIN, "validation", VALIDATION),
                SplitRule.AS_PUBLISHED, jsonl);
    }

    private static Map<String, Split> ordered(Object... kv) {
        Map<String, Split> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Split) kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
