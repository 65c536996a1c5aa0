package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.predict.FinetunedModel;
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
 * from_pretrained}; it prints the folder. Exit 0 on success, 2 for bad input (a folder that is not
 * a saved model, an unknown task, several tasks and no {@code --task}), 1 for an internal fault.
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
        }
        return 0;
    }
}
