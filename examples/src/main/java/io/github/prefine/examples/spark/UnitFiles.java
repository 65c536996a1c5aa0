package io.github.prefine.examples.spark;

import com.google.gson.JsonParser;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.GridLayout;
import io.github.prefine.core.grid.GridUnit;
import io.github.prefine.core.grid.PrefinetuningUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
                ? relative(layout, layout.learningRateDir(p).resolve("history.json"))
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

    /** Pushes what the unit wrote, its done marker last. */
    static void push(GridFolder out, GridLayout layout, GridUnit unit) throws IOException {
        if (unit instanceof PrefinetuningUnit p) {
            Path dir = layout.learningRateDir(p);
            for (String name : List.of("encoder", "train-loss.json")) {
                out.push(relative(layout, dir.resolve(name)));
            }
        }
        out.push(doneMarker(layout, unit));
    }

    /** A path under the output folder, relative to it, with {@code /}. */
    static String relative(GridLayout layout, Path p) {
        return layout.root().relativize(p).toString().replace('\\', '/');
    }
}
