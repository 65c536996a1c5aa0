package io.github.prefine.examples.spark;

import com.google.gson.JsonParser;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.GridUnit;
import io.github.prefine.core.grid.PrefinetuningUnit;
import io.github.prefine.core.train.internal.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which files of a grid's output folder a unit reads and writes, for a process that mirrors a
 * remote folder: pulled before the unit, pushed after it, with the file whose presence marks the
 * unit done pushed last. Stateless.
 */
final class UnitFiles {
    private UnitFiles() {}

    /** The history that marks a pre-finetuning unit done, or the scores that mark a finetuning unit done. */
    static String doneMarker(GridLayout layout, GridUnit unit) {
        return unit instanceof PrefinetuningUnit p
                ? relative(layout, layout.history(p))
                : relative(layout, layout.finetuningTrial((FinetuningUnit) unit));
    }

    /** Pulls what the unit reads: its own earlier files (to resume) and, to finetune, its setting's encoder. */
    static void pull(GridFolder out, GridLayout layout, GridUnit unit) throws IOException {
        if (unit instanceof PrefinetuningUnit p) {
            out.pull(relative(layout, layout.learningRateDir(p)));
            return;
        }
        FinetuningUnit f = (FinetuningUnit) unit;
        out.pull(doneMarker(layout, f));
        if (!f.setting().isBaseline()) {
            Path result = layout.settingResult(f.setting());
            out.pull(relative(layout, result));
            String encoder = JsonParser.parseString(Files.readString(result)).getAsJsonObject().get("encoder").getAsString();
            out.pull(relative(layout, layout.settingDir(f.setting()).resolve(encoder)));
        }
    }

    /**
     * Pushes what the unit wrote, its done marker last, then drops the unit's pushed checkpoints
     * and the temp files that earlier attempts' pushes, cut off, left of the unit's files, asking
     * the fence before each file and before the deletions.
     */
    static void push(GridFolder out, GridLayout layout, GridUnit unit, GridFolder.Fence fence) throws IOException {
        if (unit instanceof PrefinetuningUnit p) {
            out.push(relative(layout, layout.learningRateDir(p).resolve("encoder")), fence);
            out.push(relative(layout, layout.trainLoss(p)), fence);
        }
        out.push(doneMarker(layout, unit), fence);
        fence.check();
        if (unit instanceof PrefinetuningUnit p) {
            // the encoder and history are what later steps need; the resume state is not
            out.delete(relative(layout, layout.checkpoints(p)));
            out.deleteTemps(relative(layout, layout.learningRateDir(p)), ".");
        } else {
            Path trial = layout.finetuningTrial((FinetuningUnit) unit);
            out.deleteTemps(relative(layout, trial.getParent()), "." + trial.getFileName() + ".");
        }
    }

    /**
     * Pushes a pre-finetuning checkpoint as soon as it is published, so that a retry on another
     * executor resumes from it rather than from the start: the checkpoint's files, the
     * training-loss curve it goes with, then the pointer to it; older checkpoints go after that.
     * A checkpoint outside {@code prefinetune/<setting>/lr-<rate>/checkpoints/} (none today) is
     * not pushed.
     *
     * @param out the output folder
     * @param checkpoint the published checkpoint folder, under {@code out.local()}
     * @param fence asked before each file and before older checkpoints are deleted
     * @throws IOException if pushing fails, or the fence refuses
     */
    static void pushCheckpoint(GridFolder out, Path checkpoint, GridFolder.Fence fence) throws IOException {
        Path store = checkpoint.getParent();
        if (out.direct() || !checkpoint.startsWith(out.local()) || store == null
                || !store.getFileName().toString().equals(GridLayout.CHECKPOINTS)) {
            return;
        }
        String storeRel = relative(out.local(), store);
        out.push(relative(out.local(), checkpoint), fence);
        out.push(relative(out.local(), store.resolveSibling(GridLayout.TRAIN_LOSS)), fence);
        out.push(storeRel + "/" + CheckpointStore.LATEST, fence);
        fence.check();
        out.deleteSiblings(storeRel, CheckpointStore.PREFIX, checkpoint.getFileName().toString());
    }

    /** A path under the output folder, relative to it, with {@code /}. */
    static String relative(GridLayout layout, Path p) {
        return relative(layout.root(), p);
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

}
