package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.encoder.EncoderCheckpoint;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.model.MultiHeadModel;
import io.github.prefine.core.predict.ModelExport;
import io.github.prefine.core.task.TaskFormat;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.heads.HeadFamily;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Saves a one-task model on the BERT fixture (64 positions) and runs {@code export} on it. */
final class ExportRuns {
    private ExportRuns() {}

    /** Saves task {@code name} with the settings, exports it to {@code tmp/hf}, and returns what export printed. */
    static String export(Path tmp, String name, TaskFormat format, List<String> labels, FeatureSettings settings)
            throws Exception {
        return export(tmp, name, format, labels, settings, saved -> { });
    }

    /** A change made to the saved folder before it is exported. */
    @FunctionalInterface
    interface FolderEdit {
        void apply(Path saved) throws Exception;
    }

    /** As {@link #export(Path, String, TaskFormat, List, FeatureSettings)}, {@code edit} changing the saved folder first. */
    static String export(Path tmp, String name, TaskFormat format, List<String> labels, FeatureSettings settings,
            FolderEdit edit) throws Exception {
        Path bert = SharedFixtures.require("fixtures/hf-reference/bert");
        Path saved = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager();
                SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(bert.resolve("tokenizer.json")).build();
                MultiHeadModel model = MultiHeadModel.builder().setManager(m)
                        .setEncoder(EncoderCheckpoint.load(bert.resolve("encoder"), m).encoder())
                        .addHead(name, format.newHead(Math.max(2, labels.size()), HeadFamily.BERT, 3)).build()) {
            ModelExport.builder().setModel(model).setTokenizer(tok).setFeatureSettings(settings)
                    .addTask(name, format, labels).build().writeTo(saved);
        }
        edit.apply(saved);
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new ExportCommand());
        cl.setOut(new PrintWriter(out, true));
        int rc = cl.execute("--model", saved.toString(), "--out", tmp.resolve("hf").toString());
        String text = out.toString();
        assertEquals(0, rc, text);
        return text;
    }
}
