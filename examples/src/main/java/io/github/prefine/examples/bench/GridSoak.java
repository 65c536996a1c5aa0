package io.github.prefine.examples.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.github.prefine.core.grid.Grid;
import io.github.prefine.core.grid.GridSession;
import io.github.prefine.core.grid.GridSweep;
import io.github.prefine.core.grid.FinetuningUnit;
import io.github.prefine.core.grid.GridUnit;
import io.github.prefine.core.grid.ProcessResources;
import io.github.prefine.examples.cli.DemoCommand;
import io.github.prefine.examples.cli.OptionValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Runs the demo's grid in this one JVM, unit by unit, and prints what the process holds after
 * each unit and a full collection ({@link ProcessResources}), then each quantity's first and last
 * value and its least-squares slope per unit over the finetuning units, where every cache is
 * full: a slope that stays away from zero is a leak.
 *
 * <p>Usage, from the repository root after {@code mvn -B -q -o -pl examples -am package
 * -DskipTests}, with the demo's options: {@code java -cp
 * 'examples/target/prefine.jar:examples/target/lib/*' io.github.prefine.examples.bench.GridSoak
 * --out /tmp/soak --force}; {@code -Dprefine.soak.passes=2} runs the grid a second time in the
 * same JVM, into {@code /tmp/soak-pass2}, as a cluster executor takes one run after another. The
 * {@code prefine} command re-launches training commands with the
 * malloc settings of {@code MallocSettings}; set them in the environment to measure the same
 * process ({@code MALLOC_ARENA_MAX=1} and the others).
 */
public final class GridSoak {
    private GridSoak() {}

    /**
     * Checks the arguments as {@link #main} reads them (the demo's options and values), without
     * running anything.
     *
     * @param args the options of {@code prefine demo}
     * @throws picocli.CommandLine.ParameterException if an option is unknown or its value malformed
     * @throws IllegalArgumentException if a value is out of range
     */
    static void checkArguments(String... args) {
        DemoCommand demo = new DemoCommand();
        CommandLine.ParseResult given = new CommandLine(demo).parseArgs(args);
        demo.checkValues();
        // the soak trains on the CPU whatever --device says: a GPU asked for was ignored without a word
        if (given.hasMatchedOption("--device") && !OptionValues.is(demo.device(), "cpu")) {
            throw new IllegalArgumentException("--device: GridSoak measures the grid on the CPU only, found '"
                    + demo.device() + "'; leave it out or pass --device cpu");
        }
        passes();
    }

    /**
     * Prints the usage or the version where the arguments ask for it: {@code demo}'s {@code --help}
     * and {@code --version} parse as flags, and the soak would otherwise run the whole grid.
     *
     * @param args the arguments, before their values are checked
     * @return whether it printed, and so nothing is to run
     * @throws picocli.CommandLine.ParameterException if an option's value is malformed
     */
    static boolean printedHelp(String... args) {
        CommandLine line = new CommandLine(new DemoCommand()).setCommandName("GridSoak");
        return CommandLine.printHelpIfRequested(line.parseArgs(args));
    }

    /**
     * The passes that {@code -Dprefine.soak.passes} asks for, 1 where it is not set.
     *
     * @return the count
     * @throws IllegalArgumentException if it is set to anything but a whole number of at least 1:
     *     {@code Integer.getInteger} read a malformed one as unset, and 0 ran no pass
     */
    static int passes() {
        String v = System.getProperty("prefine.soak.passes");
        return v == null ? 1 : BenchArguments.positive("-Dprefine.soak.passes", v);
    }

    /**
     * Runs the grid and prints the figures; a bad option ends it with exit 2 and one line, before
     * any work.
     *
     * @param args the options of {@code prefine demo} ({@code --workers} is ignored: one process; a
     *     {@code --device} other than cpu is refused: the soak trains on the CPU)
     * @throws Exception if the grid fails
     */
    public static void main(String[] args) throws Exception {
        // first, as picocli answers them for demo: a value the run would refuse does not stop the usage
        boolean[] printed = new boolean[1];
        BenchArguments.checkOrExit("GridSoak", () -> printed[0] = printedHelp(args));
        if (printed[0]) {
            return;
        }
        BenchArguments.checkOrExit("GridSoak", () -> checkArguments(args));
        // as the demo does, and before the first sample starts the engine, which reads it once
        DemoCommand.oneThread();
        int passes = passes();
        List<long[]> samples = new ArrayList<>();
        samples.add(sample());
        // read from the engine, which the first sample started: the figures hold for this thread count
        System.out.println("PyTorch threads: intra-op " + JniUtils.getNumThreads() + ", inter-op "
                + JniUtils.getNumInteropThreads());
        print("start", samples.get(0));
        int firstFinetuning = -1;
        int passStart = 1;
        for (int pass = 1; pass <= passes; pass++) {
            DemoCommand demo = new DemoCommand();
            // a later pass runs the same grid again, as a cluster executor takes one run after another
            new CommandLine(demo).parseArgs(pass == 1 ? args : withOut(args, pass));
            passStart = samples.size();
            demo.check();
            Grid grid = demo.grid(Device.cpu()).build();
            try (GridSession session = grid.open()) {
                for (GridSweep sweep : session.plan().sweeps()) {
                    for (GridUnit unit : sweep.units()) {
                        session.run(unit);
                        if (firstFinetuning < 0 && unit instanceof FinetuningUnit) {
                            firstFinetuning = samples.size();
                        }
                        samples.add(sample());
                        print("pass " + pass + " " + unit.id(), samples.get(samples.size() - 1));
                    }
                    session.finishOrMarkFailed(sweep);
                }
                session.writeReports();
            }
        }
        int passOneEnd = passes == 1 ? samples.size() : (samples.size() - 1) / passes + 1;
        summarise("pass 1, finetuning units", samples, Math.max(1, firstFinetuning), passOneEnd);
        if (passes > 1) {
            summarise("pass " + passes + ", all units", samples, passStart, samples.size());
        }
    }

    /**
     * The arguments with {@code --out DIR} replaced by {@code DIR-pass<k>}, or, without {@code --out},
     * with the demo's default folder so named: the later pass ran into the first pass's finished
     * folder.
     */
    static String[] withOut(String[] args, int pass) {
        List<String> out = new ArrayList<>(List.of(args));
        boolean named = false;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).equals("--out") && i + 1 < out.size()) {
                out.set(i + 1, passFolder(out.get(i + 1), pass));
                named = true;
            } else if (out.get(i).startsWith("--out=")) {
                out.set(i, "--out=" + passFolder(out.get(i).substring("--out=".length()), pass));
                named = true;
            }
        }
        if (!named) {
            String first = new CommandLine(new DemoCommand()).getCommandSpec().findOption("--out").defaultValue();
            out.addAll(List.of("--out", first + "-pass" + pass));
        }
        return out.toArray(String[]::new);
    }

    /**
     * The folder's sibling {@code <folder>-pass<k>}; read as a path first, so that a trailing slash
     * ({@code /tmp/soak/}) does not put the later pass inside the first pass's folder.
     */
    private static String passFolder(String folder, int pass) {
        return Path.of(folder) + "-pass" + pass;
    }

    private static long[] sample() {
        System.gc();
        return ProcessResources.sample().values();
    }

    private static void print(String label, long[] v) {
        StringBuilder b = new StringBuilder(label);
        for (int i = 0; i < v.length; i++) {
            b.append(' ').append(ProcessResources.NAMES.get(i)).append('=').append(v[i]);
        }
        System.out.println(b);
    }

    /** Start, first and last unit, and the least-squares slope per unit over units {@code [from, to)}. */
    private static void summarise(String title, List<long[]> s, int from, int to) {
        int n = to - from;
        System.out.printf(Locale.ROOT, "%d units in all; slope per unit over %s (units %d to %d)%n", s.size() - 1, title,
                from, to - 1);
        for (int q = 0; q < ProcessResources.NAMES.size(); q++) {
            double mx = 0;
            double my = 0;
            for (int i = from; i < to; i++) {
                mx += i;
                my += s.get(i)[q];
            }
            mx /= n;
            my /= n;
            double sxy = 0;
            double sxx = 0;
            for (int i = from; i < to; i++) {
                sxy += (i - mx) * (s.get(i)[q] - my);
                sxx += (i - mx) * (i - mx);
            }
            System.out.printf(Locale.ROOT, "%-12s start %d, first unit %d, unit %d %d, unit %d %d, slope %.2f per unit%n",
                    ProcessResources.NAMES.get(q), s.get(0)[q], s.get(1)[q], from, s.get(from)[q], to - 1, s.get(to - 1)[q],
                    sxx == 0 ? 0 : sxy / sxx);
        }
    }
}
