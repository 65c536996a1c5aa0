package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.SavedTask;
import io.github.prefine.core.task.ExtractiveQa;
import io.github.prefine.core.task.TokenClassification;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: writes one task of a saved model (a folder {@code ModelExport} wrote) as a
 * Hugging Face task-model folder ({@code FinetunedModel.writeHuggingFace}), which Python's {@code
 * AutoModelForSequenceClassification}, {@code ...ForTokenClassification}, {@code
 * ...ForQuestionAnswering} or {@code ...ForMultipleChoice} and {@code pipeline} read with {@code
 * from_pretrained}; it prints the folder, and a note with the settings that repeat the task's own
 * where the folder, read back, would read inputs otherwise: a QA task's windows (HF keeps no
 * stride), and another task's cut at its maxLength (HF keeps no feature length; the folder's
 * {@code model_max_length} is the tokenizer's limit or the encoder's positions). Exit 0 on
 * success, 2 for bad input (a folder that is not a saved model, an unknown task, several tasks and
 * no {@code --task}), 1 for an internal fault.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write one task of a saved model as a Hugging Face task-model folder (config.json with the task"
                + " class and id2label, model.safetensors, tokenizer.json, tokenizer_config.json with"
                + " model_max_length and the special tokens, special_tokens_map.json).")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a folder written by ModelExport")
    private Path model;

    @Option(names = "--task", paramLabel = "NAME", description = "the task to write; may be left out when the model"
            + " has one")
    private String task;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write; files of the"
            + " same names there are replaced")
    private Path out;

    /** Creates the command; picocli fills the fields. */
    public ExportCommand() {}

    @Override
    public Integer call() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); FinetunedModel loaded = PredictCommand.load(model, manager)) {
            String name = PredictCommand.taskOf(loaded, task);
            // an unknown task is the caller's mistake: the library's message lists the model's tasks
            loaded.writeHuggingFace(name, out);
            spec.commandLine().getOut().println("wrote task " + name + " as a Hugging Face folder to " + out);
            SavedTask saved = loaded.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
            FeatureSettings readBack = FinetunedModel.huggingFaceSettings(out);
            if (saved.format() instanceof ExtractiveQa) {
                noteQaWindows(saved, readBack);
            } else {
                noteMaxLength(saved, readBack);
            }
        }
        return 0;
    }

    /**
     * HF's folder has no field for the task's own cut: read back, its {@code model_max_length} (the
     * tokenizer's declared limit or the encoder's positions, as HF's scripts keep it) cuts text, so an input longer than the task's
     * maxLength is read further than the saved model and its validation score read it.
     */
    private void noteMaxLength(SavedTask saved, FeatureSettings readBack) {
        int own = saved.settings().maxLength();
        if (own != readBack.maxLength()) {
            String what = saved.format() instanceof TokenClassification ? "tags" : "labels";
            spec.commandLine().getOut().println("note: an HF folder keeps no feature length: read back (prefine"
                    + " predict) it cuts inputs at " + readBack.maxLength() + " tokens, where task " + saved.name()
                    + " was trained and predicts with " + own + ", so " + what + " of inputs longer than " + own
                    + " tokens can differ from the saved model's and its validation score (prefine predict on the"
                    + " saved model counts those it cuts); HF's tokenizer takes truncation=True, max_length=" + own
                    + " for the task's cut");
        }
    }

    /**
     * HF's folder has no field for the QA stride: read back, it windows as HF's pipeline defaults
     * do, so answers can differ from the saved model's without a word unless said here.
     */
    private void noteQaWindows(SavedTask saved, FeatureSettings readBack) {
        FeatureSettings own = saved.settings();
        if (own.qaMaxLength() != readBack.qaMaxLength() || own.qaStride() != readBack.qaStride()) {
            spec.commandLine().getOut().println("note: an HF folder keeps no QA stride: read back (HF's pipeline"
                    + " defaults, and prefine predict) it windows contexts at " + readBack.qaMaxLength()
                    + " tokens with a stride of " + readBack.qaStride() + ", where task " + saved.name()
                    + " was trained and predicts with " + own.qaMaxLength() + " and " + own.qaStride()
                    + ", so answers can differ; HF's pipeline takes max_seq_len=" + own.qaMaxLength() + ", doc_stride="
                    + own.qaStride() + " for the task's windows");
        }
    }
}
