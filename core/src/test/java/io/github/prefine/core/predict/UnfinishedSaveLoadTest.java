package io.github.prefine.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MultiHeadModel.save} deletes {@code prefine-model.json} first and writes it last, so a save
 * killed midway leaves the tensors ({@code encoder/}, {@code heads.safetensors}) without it. Loading
 * such a folder said it was no saved prefine model folder; it now says the save did not finish.
 * Ground truth: the files a save writes before its manifest, as {@code ModelFiles.save} orders them.
 */
class UnfinishedSaveLoadTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderWithTheTensorsButNoManifestIsASaveThatDidNotFinish() throws Exception {
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir.resolve("encoder"));
        Files.write(dir.resolve("heads.safetensors"), new byte[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FinetunedModel.load(dir, m));
            assertEquals(dir.resolve("prefine-model.json") + ": no prefine-model.json beside heads.safetensors, encoder:"
                    + " a save that did not finish (the manifest is written last, after the tensors, which may mix two"
                    + " models); save the model again", e.getMessage());
            // a folder holding none of a save's files is still no saved model
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> FinetunedModel.load(empty, m));
            assertEquals(empty.resolve("prefine-model.json") + ": no prefine-model.json: not a saved prefine model"
                    + " folder", none.getMessage());
        }
    }
}
