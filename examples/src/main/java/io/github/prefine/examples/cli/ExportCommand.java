package io.github.prefine.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.predict.FinetunedModel;
import io.github.prefine.core.predict.SavedTask;
import io.github.prefine.core.task.ExtractiveQa;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * (HF's arguments, and {@code prefine predict}'s {@code --qa-max-length}, {@code --qa-stride} and
 * {@code --max-answer-length}) where the folder, read back by {@code prefine predict} or by HF's pipeline with its defaults,
 * would read inputs otherwise: a QA task's windows and longest answer (HF keeps no stride and no
 * maximum answer length; a window past HF's pipeline default of 384 is noted too). The folder's
 * {@code model_max_length} is the task's feature length (a QA task's window, another task's
 * maxLength), at which HF's tokenizer under {@code truncation=True} and {@code prefine predict}
 * both cut, so another task's cut needs no note. Exit 0 on
 * success, 2 for bad input (a folder that is not a saved model, an unknown task, several tasks and
 * no {@code --task}, an {@code --out} that is the model's folder or inside it), 1 for an internal fault.
 */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = PrefineVersion.class,
        description = "Write one task of a saved model as a Hugging Face task-model folder (config.json with the task"
                + " class and id2label, model.safetensors, tokenizer.json, tokenizer_config.json with"
                + " model_max_length (the task's feature length) and the special tokens, special_tokens_map.json).")
public final class ExportCommand implements Callable<Integer> {
    /**
     * The longest answer, in tokens, HF's question-answering pipeline picks when not told ({@code
     * max_answer_len} of transformers' {@code QuestionAnsweringPipeline.postprocess}; prefine's
     * evaluation takes 30, as HF's {@code run_qa.py}).
     */
    static final int HF_PIPELINE_MAX_ANSWER_LEN = 15;

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a folder written by ModelExport")
    private Path model;

    @Option(names = "--task", paramLabel = "NAME", description = "the task to write; may be left out when the model"
            + " has one")
    private String task;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write; files of the"
            + " same names there are replaced; not the model's folder or one inside it")
    private Path out;

    /** Creates the command; picocli fills the fields. */
    public ExportCommand() {}

    @Override
    public Integer call() throws Exception {
        // before the model loads, which takes seconds and starts the engine; the model's folder last
        OptionChecks.outputFolder("--out", out);
        OptionChecks.inputFolder("--model", model, "a folder written by ModelExport");
        try (NDManager manager = NDManager.newBaseManager(); FinetunedModel loaded = PredictCommand.load(model, manager)) {
            String name = PredictCommand.taskOf(loaded, task);
            // an unknown task is the caller's mistake: the library's message lists the model's tasks
            loaded.writeHuggingFace(name, out);
            spec.commandLine().getOut().println("wrote task " + name + " as a Hugging Face folder to " + out);
            SavedTask saved = loaded.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
            FeatureSettings readBack = FinetunedModel.huggingFaceSettings(out);
            if (saved.format() instanceof ExtractiveQa qa) {
                noteQaWindows(saved, readBack);
                noteMaxAnswerLength(saved, qa);
            }
        }
        return 0;
    }

    /**
     * HF's folder has no field for the QA stride: read back, it windows as {@code prefine predict}
     * reads an HF folder, and HF's pipeline as its defaults say, so answers can differ from the saved
     * model's without a word unless said here. HF's pipeline windows at {@code min(model_max_length,
     * 384)} tokens, the window prefine reads back; the folder declares the task's window as its
     * {@code model_max_length}, so the two differ from the task's only past 384.
     */
    private void noteQaWindows(SavedTask saved, FeatureSettings readBack) {
        FeatureSettings own = saved.settings();
        int window = readBack.qaMaxLength();
        List<String> readers = new ArrayList<>();
        if (own.qaMaxLength() != window || own.qaStride() != readBack.qaStride()) {
            readers.add("prefine predict windows contexts at " + window + " tokens with a stride of " + readBack.qaStride());
        }
        int hfStride = hfPipelineStride(window);
        if (own.qaMaxLength() != window || own.qaStride() != hfStride) {
            readers.add("HF's pipeline by default " + (readers.isEmpty() ? "windows contexts " : "") + "at " + window
                    + " tokens with a stride of " + hfStride);
        }
        if (!readers.isEmpty()) {
            spec.commandLine().getOut().println("note: an HF folder keeps no QA stride: read back, "
                    + String.join(" and ", readers) + ", where task " + saved.name() + " was trained and predicts with "
                    + own.qaMaxLength() + " tokens and a stride of " + own.qaStride() + ", so answers can differ; HF's"
                    + " pipeline takes max_seq_len=" + own.qaMaxLength() + ", doc_stride=" + own.qaStride()
                    + " and prefine predict --qa-max-length " + own.qaMaxLength() + " --qa-stride " + own.qaStride()
                    + " for the task's windows");
        }
    }

    /**
     * HF's folder has no field for the longest answer either: HF's pipeline picks answers of at most
     * {@link #HF_PIPELINE_MAX_ANSWER_LEN} tokens unless told, and {@code prefine predict} reads the
     * folder back with the evaluation's post-processing, where the task may record another.
     */
    private void noteMaxAnswerLength(SavedTask saved, ExtractiveQa qa) {
        int own = saved.qaPostProcessor().maxAnswerLength();
        // an HF folder's task is recorded without post-processing, so it gets the format's
        int readBack = qa.postProcessor().maxAnswerLength();
        List<String> readers = new ArrayList<>();
        if (own != readBack) {
            readers.add("prefine predict picks answers of at most " + readBack + " tokens");
        }
        if (own != HF_PIPELINE_MAX_ANSWER_LEN) {
            readers.add("HF's pipeline by default " + (readers.isEmpty() ? "picks answers of " : "") + "at most "
                    + HF_PIPELINE_MAX_ANSWER_LEN + " tokens");
        }
        if (!readers.isEmpty()) {
            spec.commandLine().getOut().println("note: an HF folder keeps no maximum answer length: read back, "
                    + String.join(" and ", readers) + ", where task " + saved.name() + " picks answers of at most "
                    + own + ", so answers can differ; HF's pipeline takes max_answer_len=" + own
                    + " and prefine predict --max-answer-length " + own + " for the task's answers");
        }
    }

    /**
     * The stride HF's question-answering pipeline windows with when not told: {@code
     * min(max_seq_len // 2, 128)} (transformers' {@code QuestionAnsweringPipeline.preprocess}),
     * half the window where prefine reads back a third.
     */
    static int hfPipelineStride(int maxSeqLen) {
        return Math.min(maxSeqLen / 2, 128);
    }
}
