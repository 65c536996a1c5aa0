package io.github.prefine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.pipeline.InMemoryTasks;
import io.github.prefine.core.pipeline.WordTokenizer;
import io.github.prefine.core.task.FeaturizedTask;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.task.TaskGroup;
import io.github.prefine.core.task.TaskSet;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.MetricType;
import io.github.prefine.heads.HeadFamily;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heads' layout follows the encoder's family unless {@code optHeadFamily} chose one, in
 * whichever order the builder's calls come: a BERT encoder with RoBERTa-style heads has no pooler.
 */
class HeadFamilyChoiceTest {
    @Test
    void anExplicitHeadFamilyHoldsWhateverTheCallOrder(@TempDir Path dir) throws Exception {
        List<String> words = List.of("a", "b", "c");
        FeaturizedTask classifier = classifier(dir, words);
        try (NDManager m = NDManager.newBaseManager()) {
            List<String> roberta = List.of("heads.cls.classifier.dense.weight", "heads.cls.classifier.dense.bias",
                    "heads.cls.classifier.out_proj.weight", "heads.cls.classifier.out_proj.bias");
            assertEquals(roberta, headKeys(MultiHeadModel.builder().setManager(m).setEncoder(bert(m, words.size()))
                    .optHeadFamily(HeadFamily.ROBERTA).addTasks(TaskSet.of(classifier))));
            assertEquals(roberta, headKeys(MultiHeadModel.builder().setManager(m).optHeadFamily(HeadFamily.ROBERTA)
                    .setEncoder(bert(m, words.size())).addTasks(TaskSet.of(classifier))));
            // without a choice, the encoder's: BERT's pooler and classifier
            assertEquals(List.of("heads.cls.bert.pooler.dense.weight", "heads.cls.bert.pooler.dense.bias",
                    "heads.cls.classifier.weight", "heads.cls.classifier.bias"), headKeys(MultiHeadModel.builder()
                    .setManager(m).setEncoder(bert(m, words.size())).addTasks(TaskSet.of(classifier))));
        }
    }

    @Test
    void anXlmrEncoderGivenAsABlockGivesTasksItsHeadLayout(@TempDir Path dir) throws Exception {
        // setEncoder(Block, int), as the grid and TargetFinetuning call it, left the BERT default, so
        // an XLM-R encoder's tasks took a pooler and HF's BERT classifier names, unlike
        // setEncoder(TransformerEncoder)'s and HF's XLMRobertaForSequenceClassification
        List<String> words = List.of("a", "b", "c");
        FeaturizedTask classifier = classifier(dir, words);
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerEncoder xlmr = encoder(m, ModelFamily.XLM_ROBERTA, words.size());
            assertEquals(List.of("heads.cls.classifier.dense.weight", "heads.cls.classifier.dense.bias",
                    "heads.cls.classifier.out_proj.weight", "heads.cls.classifier.out_proj.bias"),
                    headKeys(MultiHeadModel.builder().setManager(m)
                            .setEncoder((ai.djl.nn.Block) xlmr, xlmr.config().hiddenSize())
                            .addTasks(TaskSet.of(classifier))));
        }
    }

    private static FeaturizedTask classifier(Path dir, List<String> words) throws Exception {
        try (SubwordTokenizer tok = SubwordTokenizer.builder()
                .setTokenizerPath(WordTokenizer.write(dir.resolve("t.json"), words)).build()) {
            Task cl = InMemoryTasks.task("cls", TaskGroup.C, TaskFormat.SINGLE_TEXT, MetricType.ACCURACY,
                    List.of("no", "yes"));
            List<TextExample> texts = List.of(new TextExample("t0", "a b", null, "yes"),
                    new TextExample("t1", "c", null, "no"));
            return FeaturizedTask.featurize(InMemoryTasks.data(cl, texts, texts, List.of()), tok,
                    new FeatureSettings(16, 16, 4, 0, 0, 1L));
        }
    }

    private static List<String> headKeys(MultiHeadModel.Builder b) {
        try (MultiHeadModel model = b.build()) {
            return model.headParameters(0).stream().map(NamedParameter::key).toList();
        }
    }

    private static TransformerEncoder bert(NDManager m, int words) {
        return encoder(m, ModelFamily.BERT, words);
    }

    private static TransformerEncoder encoder(NDManager m, ModelFamily family, int words) {
        EncoderConfig config = EncoderConfig.builder().setModelType(family).setVocabSize(words + 4)
                .optTypeVocabSize(family.equals(ModelFamily.BERT) ? 2 : 1).setHiddenSize(16).setNumHiddenLayers(1)
                .setNumAttentionHeads(2).setIntermediateSize(32).optMaxPositionEmbeddings(32).build();
        TransformerEncoder e = TransformerEncoder.builder().setConfig(config).build();
        e.initializeRandom(m, 1);
        return e;
    }
}
