package io.github.prefine.examples.bench;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.task.SplitSource;
import io.github.prefine.core.task.Task;
import io.github.prefine.core.task.TaskCatalog;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads one dataset file with the reader a catalogued task uses for it, leniently, and prints the
 * examples and the heap they keep after a full collection; run under decreasing {@code -Xmx}, it
 * finds the smallest heap that reads the file, the reader's peak.
 *
 * <p>Usage, from the repository root after {@code mvn -B -q -o -pl examples -am package
 * -DskipTests}: {@code java -Xmx64m -cp 'examples/target/prefine.jar:examples/target/lib/*'
 * io.github.prefine.examples.bench.ReadHeap squad ../shared/data/qa/squad_v1.1/dev-v1.1.json}; an
 * {@code OutOfMemoryError} means the heap is too small.
 */
public final class ReadHeap {
    /** The usage line that {@code --help} prints and a wrong argument count is refused with. */
    static final String USAGE = "usage: ReadHeap TASK FILE";
    private ReadHeap() {}

    /**
     * Checks the arguments, a catalogued task and a file, without reading the file; the
     * documentation's command lines are checked through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length != 2) {
            throw new IllegalArgumentException(USAGE + ", found " + args.length + " arguments");
        }
        BenchArguments.task("TASK", args[0]);
    }

    /**
     * Reads the file and prints what it keeps; a bad argument or a missing file ends it with exit
     * 2 and one line.
     *
     * @param args the task name and the file
     * @throws Exception if the file cannot be read
     */
    public static void main(String[] args) throws Exception {
        BenchArguments.usageIfAsked(USAGE, args);
        BenchArguments.checkOrExit("ReadHeap", () -> {
            checkArguments(args);
            BenchArguments.existingFile("FILE", Path.of(args[1]));
        });
        Task task = TaskCatalog.task(args[0]);
        SplitSource source = task.source().files().get(0);
        ReadResult<?> r = source.reader().read(Path.of(args[1]), Leniency.LENIENT);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "%s: %d examples, kept %.1f MiB, max heap %.0f MiB%n", args[1],
                r.examples().size(), (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0),
                rt.maxMemory() / (1024.0 * 1024.0));
        Reference.reachabilityFence(r);
    }
}
