package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.task.TaskFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HF folder keeps no QA stride, so {@code export} of a QA task says when the folder, read back
 * (by HF's pipeline defaults, as {@code predict} reads it), windows contexts otherwise than the
 * task was trained: windows of 64 are read back with a stride of min(128, 64 / 3) = 21 (the rule
 * README states), so a task trained with a stride of 16 gets the note and one trained with 21 none.
 */
class ExportQaWindowsTest {
    @ParameterizedTest
    @ValueSource(ints = {16, 21})
    void aQaTaskWhoseWindowsTheFolderCannotKeepIsNoted(int stride, @TempDir Path tmp) throws Exception {
        String text = ExportRuns.export(tmp, "qa", TaskFormat.QA, List.of(),
                FeatureSettings.paper().withLengths(64, 64, stride));
        String note = "note: an HF folder keeps no QA stride: read back (HF's pipeline defaults, and prefine predict)"
                + " it windows contexts at 64 tokens with a stride of 21, where task qa was trained and predicts with"
                + " 64 and " + stride + ", so answers can differ; HF's pipeline takes max_seq_len=64, doc_stride="
                + stride + " for the task's windows";
        if (stride == 16) {
            assertTrue(text.contains(note), text);
        } else {
            assertFalse(text.contains("note:"), text);
        }
    }
}
