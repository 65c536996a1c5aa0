package com.example.modular;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.encoder.EncoderConfig;
import io.github.prefine.core.encoder.ModelFamily;
import io.github.prefine.core.encoder.TransformerEncoder;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.metrics.SquadMetrics;
import io.github.prefine.heads.HeadFamily;
import io.github.prefine.sampling.HeterogeneousSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a SQuAD file, tokenizes with the Rust tokenizers, runs a small encoder on PyTorch, samples
 * and scores: one call into each prefine module from a named module.
 */
public final class Modular {
    private Modular() {}

    /**
     * Prints one line that names what ran and in which modules.
     *
     * @param args a folder to write the two small input files in
     * @throws Exception if any step fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path squad = Files.writeString(dir.resolve("squad.json"), "{\"data\":[{\"title\":\"t\",\"paragraphs\":[{"
                + "\"context\":\"hello world\",\"qas\":[{\"id\":\"q1\",\"question\":\"which?\","
                + "\"answers\":[{\"text\":\"world\",\"answer_start\":6}]}]}]}]}");
        int questions = new SquadReader().read(squad).examples().size();
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"added_tokens\":[],"
                + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":null,"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,"
                + "\"hello\":2,\"world\":3},\"unk_token\":\"[UNK]\"}}");
        try (SubwordTokenizer t = SubwordTokenizer.builder().setTokenizerPath(tokenizer).optPadId(0).build();
                NDManager manager = NDManager.newBaseManager()) {
            long[] ids = Arrays.stream(t.encode("hello world").ids()).asLongStream().toArray();
            EncoderConfig config = EncoderConfig.builder().setModelType(ModelFamily.BERT).setVocabSize(4)
                    .setHiddenSize(8).setNumHiddenLayers(1).setNumAttentionHeads(2).setIntermediateSize(16)
                    .optMaxPositionEmbeddings(8).build();
            TransformerEncoder encoder = TransformerEncoder.builder().setConfig(config).build();
            encoder.initializeRandom(manager, 1);
            NDArray input = manager.create(ids).reshape(1, ids.length);
            NDArray hidden = encoder.forward(new ParameterStore(manager, false),
                    new NDList(input, input.onesLike()), false).head();
            HeterogeneousSampler sampler = HeterogeneousSampler.builder().setTaskSizes(new int[] {3, 5})
                    .setBatchSize(2).optSeed(1).build();
            System.out.println("MODULAR: " + Modular.class.getModule().getName() + " ran "
                    + TransformerEncoder.class.getModule().getName() + " " + SquadReader.class.getModule().getName()
                    + " " + HeterogeneousSampler.class.getModule().getName() + " "
                    + SquadMetrics.class.getModule().getName() + " " + HeadFamily.class.getModule().getName()
                    + "; questions " + questions + ", ids " + Arrays.toString(ids) + ", hidden " + hidden.getShape()
                    + " on " + manager.getEngine().getEngineName() + ", batches " + sampler.batchesPerEpoch()
                    + ", f1 " + SquadMetrics.f1("hello world", "world") + ", " + HeadFamily.ROBERTA.hfPrefix());
        }
    }
}
