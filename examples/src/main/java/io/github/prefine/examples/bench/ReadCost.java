package io.github.prefine.examples.bench;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.task.TaskCatalog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads one dataset file with the reader a catalogued task uses for it, several times, and prints
 * the file's size, the bytes the reading thread read (Linux's {@code rchar} in
 * {@code /proc/thread-self/io}: what {@code read} calls returned, from the page cache or the disk)
 * and the best wall and thread CPU time of the reads, so that how many times a reader goes through
 * its file shows. On a loaded machine the CPU time is the figure to compare.
 *
 * <p>Usage, from the repository root after {@code mvn -B -q -o -pl examples -am package
 * -DskipTests}: {@code java -cp 'examples/target/prefine.jar:examples/target/lib/*'
 * io.github.prefine.examples.bench.ReadCost conll2003-en ../shared/data/sl/conll2003/eng.train
 * STRICT 5}. The first read is a warm-up (class loading, the page cache) and is not counted.
 */
public final class ReadCost {
    /** The usage line that {@code --help} prints and a wrong argument count is refused with. */
    static final String USAGE = "usage: ReadCost TASK FILE STRICT|LENIENT READS";
    private static final Path IO = Path.of("/proc/thread-self/io");

    private ReadCost() {}

    /**
     * Checks the arguments as {@link #main} reads them, without reading anything.
     *
     * @param args the task name, the file, STRICT or LENIENT, and the number of timed reads
     * @throws IllegalArgumentException naming the argument, if the count is not 4, the task is
     *     unknown, the leniency is neither, or the number of reads is not a positive integer
     */
    static void checkArguments(String... args) {
        if (args.length != 4) {
            throw new IllegalArgumentException(USAGE + ", found " + args.length
                    + " arguments");
        }
        BenchArguments.task("TASK", args[0]);
        if (!args[2].equals("STRICT") && !args[2].equals("LENIENT")) {
            throw new IllegalArgumentException("STRICT|LENIENT: expected STRICT or LENIENT, found '" + args[2] + "'");
        }
        BenchArguments.positive("READS", args[3]);
    }

    /**
     * Reads the file and prints what each read cost; a bad argument or a missing file ends it
     * with exit 2 and one line.
     *
     * @param args the task name, the file, STRICT or LENIENT, and the number of timed reads
     * @throws Exception if the file cannot be read
     */
    public static void main(String[] args) throws Exception {
        BenchArguments.usageIfAsked(USAGE, args);
        BenchArguments.checkOrExit("ReadCost", () -> {
            checkArguments(args);
            BenchArguments.existingFile("FILE", Path.of(args[1]));
        });
        var reader = TaskCatalog.task(args[0]).source().files().get(0).reader();
        Path file = Path.of(args[1]);
        Leniency leniency = Leniency.valueOf(args[2]);
        int reads = Integer.parseInt(args[3]);
        reader.read(file, leniency);
        var threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        long bytes = -1;
        int examples = 0;
        for (int i = 0; i < reads; i++) {
            long before = readBytes();
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            ReadResult<?> r = reader.read(file, leniency);
            long wall = System.nanoTime() - start;
            bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
            // the counter is read through a read call of its own: a few hundred bytes
            bytes = readBytes() - before;
            best = Math.min(best, wall);
            examples = r.examples().size();
        }
        long size = Files.size(file);
        System.out.printf(Locale.ROOT, "%s %s: %d examples, file %,d bytes, read %,d bytes (%.2f x the file), "
                + "best of %d: %.0f ms wall, %.0f ms CPU%n", file, leniency, examples, size, bytes, bytes / (double) size,
                reads, best / 1e6, bestCpu / 1e6);
    }

    private static long readBytes() throws IOException {
        if (!Files.isReadable(IO)) {
            return -1;
        }
        for (String line : Files.readAllLines(IO)) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        return -1;
    }
}
