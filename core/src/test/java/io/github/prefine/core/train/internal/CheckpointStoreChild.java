package io.github.prefine.core.train.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM of its own that resumes a checkpoint store: prints the published checkpoint's text, or
 * {@code none}, then writes the checkpoint of the epoch it is given. Started by {@link
 * CheckpointStoreLocaleTest} under another locale and native encoding than the JVM that wrote.
 */
final class CheckpointStoreChild {
    private CheckpointStoreChild() {}

    /**
     * Runs the child.
     *
     * @param args the store's folder and the epoch to write
     * @throws Exception on any failure, which ends the JVM with a non-zero status
     */
    public static void main(String[] args) throws Exception {
        CheckpointStore store = new CheckpointStore(Path.of(args[0]));
        String before = store.latest().map(d -> {
            try {
                return Files.readString(d.resolve("a.txt"), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).orElse("none");
        int epoch = Integer.parseInt(args[1]);
        Path dir = store.write(epoch, false,
                (anchor, d) -> Files.writeString(d.resolve("a.txt"), "epoch " + epoch, StandardCharsets.UTF_8));
        System.out.println("found " + before + ", wrote " + dir.getFileName());
    }
}
