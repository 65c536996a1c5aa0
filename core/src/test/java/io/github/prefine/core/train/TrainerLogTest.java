package io.github.prefine.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.ChildJvm;
import io.github.prefine.core.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's INFO lines as a user reads them, from slf4j-simple in a child JVM: with several
 * worker processes on one standard error, a line must name its run, and its epochs must count as
 * the progress bar and the grid's result lines count them (from 1), and with several tasks it ends
 * with each task's validation loss; a last line says what ended the run. Nothing per step at INFO. A
 * checkpoint write, gigabytes for a base model, says where, how large and how long.
 */
class TrainerLogTest {
    @Test
    void epochLinesNameTheRunAndCountEpochsFromOne(@TempDir Path dir) throws Exception {
        SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        String text = ChildJvm.runAtInfo(TrainerLogChild.class, dir.resolve("child.log"), "Only-SL lr 0.001",
                dir.resolve("ckpt").toString());
        List<String> trainer = text.lines().filter(l -> l.contains(Trainer.class.getName())).toList();
        Pattern epoch = Pattern.compile("INFO " + Pattern.quote(Trainer.class.getName())
                + " - Only-SL lr 0\\.001: epoch (\\d) of 2: average validation loss \\d+\\.\\d{4} \\(best epoch [12]\\),"
                + " \\d+\\.\\d s training");
        // with several tasks the line ends with each one's loss, which the average alone hid (a task that
        // learns nothing beside one that learns fast); the average is their mean, as EarlyStopping takes it
        Pattern perTask = Pattern.compile("average validation loss (\\d+\\.\\d{4}) .*; validation loss per task:"
                + " tags (\\d+\\.\\d{4}), pairs (\\d+\\.\\d{4})$");
        // two epoch lines, then what ended the run
        assertEquals(3, trainer.size(), text);
        assertTrue(Pattern.compile("INFO " + Pattern.quote(Trainer.class.getName()) + " - Only-SL lr 0\\.001: reached the"
                + " epoch limit after 2 of 2 epochs; best epoch [12] restored$").matcher(trainer.get(2)).find(), trainer.get(2));
        for (int i = 0; i < 2; i++) {
            var m = epoch.matcher(trainer.get(i));
            assertTrue(m.find(), trainer.get(i));
            assertEquals(Integer.toString(i + 1), m.group(1), trainer.get(i));
            var p = perTask.matcher(trainer.get(i));
            assertTrue(p.find(), trainer.get(i));
            double mean = (Double.parseDouble(p.group(2)) + Double.parseDouble(p.group(3))) / 2;
            assertEquals(Double.parseDouble(p.group(1)), mean, 1.5e-4, trainer.get(i)); // three roundings to 4 places
        }
        // each checkpoint (after epoch 1, 2, and the final one) says where, how large and how long
        Pattern written = Pattern.compile("INFO .*CheckpointStore - " + Pattern.quote(dir.resolve("ckpt").toString())
                + "/ckpt-(epoch|final)-00000([12]): checkpoint after (1 epoch|2 epochs) written, \\d+\\.\\d MiB in \\d+\\.\\d s");
        List<String> checkpoints = text.lines().filter(l -> l.contains("CheckpointStore")).toList();
        assertEquals(3, checkpoints.size(), text);
        checkpoints.forEach(l -> {
            var w = written.matcher(l);
            assertTrue(w.find(), l);
            // the count in words is the folder's, in the singular for one
            assertTrue(w.group(3).startsWith(w.group(2) + " "), l);
        });
    }
}
