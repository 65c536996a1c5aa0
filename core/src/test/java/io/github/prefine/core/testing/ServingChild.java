package io.github.prefine.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM that serves every request of a test class, one after another (one JVM and engine
 * start for them all instead of one per case): the class's main calls {@link #serve}, which reads
 * one request a line from standard input, each a case's id and its fields separated by tabs, and
 * logs {@code begin ID}, what the request logs, and {@code end ID} (or its stack trace and {@code
 * failed ID}). The test, started by {@link #start}, writes requests with {@link #request} and reads
 * the lines of one with {@link #since} or {@link #await}; {@link #close} ends the child once its
 * input ends and checks that it exits 0.
 */
public final class ServingChild implements AutoCloseable {
    private final Process process;
    private final Writer requests;
    private final Path log;

    private ServingChild(Process process, Path log) {
        this.process = process;
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.log = log;
    }

    /** What the child does for one request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one request.
         *
         * @param fields the request's fields after its id
         * @throws Exception if it fails: the child logs it and goes on with the next request
         */
        void handle(String[] fields) throws Exception;
    }

    /**
     * The child's side: serves the requests of standard input until it ends.
     *
     * @param handler what each request does
     * @throws IOException if standard input cannot be read
     */
    public static void serve(Handler handler) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] request = line.split("\t", -1);
            System.out.println("begin " + request[0]);
            try {
                handler.handle(Arrays.copyOfRange(request, 1, request.length));
                System.out.println("end " + request[0]);
            } catch (Exception | AssertionError e) {
                e.printStackTrace(System.out);
                System.out.println("failed " + request[0]);
            }
            System.out.flush();
        }
    }

    /**
     * Starts {@code main} as {@link ChildJvm#startAtInfo} does.
     *
     * @param main the class whose {@code main} calls {@link #serve}
     * @param log the file that receives both its streams
     * @return the child
     * @throws Exception if it cannot start
     */
    public static ServingChild start(Class<?> main, Path log) throws Exception {
        return new ServingChild(ChildJvm.startAtInfo(main, log), log);
    }

    /**
     * Asks the child for one piece of work.
     *
     * @param id the request's id, unique in the child's life (a case's temporary folder's name)
     * @param fields its fields, without tabs or line breaks
     * @throws IOException if the child cannot be written to
     */
    public void request(String id, String... fields) throws IOException {
        StringBuilder line = new StringBuilder(id);
        for (String f : fields) {
            line.append('\t').append(f);
        }
        assertTrue(line.chars().noneMatch(c -> c == '\n' || c == '\r') && Arrays.stream(fields).noneMatch(f ->
                f.indexOf('\t') >= 0) && id.indexOf('\t') < 0, () -> "a field with a tab or line break: " + line);
        // a child that ended (a native panic in an earlier request) is named, not a closed pipe
        assertTrue(process.isAlive(), () -> "the child ended before request " + id + ":\n" + logText());
        requests.write(line + "\n");
        requests.flush();
    }

    private String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * The child's whole lines from request {@code id}'s {@code begin} line on, empty before it.
     *
     * @param id the request
     * @return its lines so far, and those of any later request
     * @throws IOException if the log cannot be read
     */
    public String since(String id) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        text = text.substring(0, text.lastIndexOf('\n') + 1); // a line still being written is left out
        int begin = text.indexOf("begin " + id + "\n");
        return begin < 0 ? "" : text.substring(begin);
    }

    /**
     * Whether request {@code id} has failed, as {@link #since} shows it.
     *
     * @param text what {@link #since} returned
     * @param id the request
     * @return true if it logged its failure
     */
    public static boolean failed(String text, String id) {
        return text.contains("\nfailed " + id + "\n");
    }

    /**
     * Waits until request {@code id} has ended and returns its lines, from its {@code begin} to its
     * {@code end} line.
     *
     * @param id the request
     * @return its lines
     * @throws Exception if it failed, the child ended, or 5 minutes passed (as an AssertionError)
     */
    public String await(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            String text = since(id);
            int end = text.indexOf("\nend " + id + "\n");
            if (end >= 0) {
                return text.substring(0, end + 1);
            }
            if (failed(text, id)) {
                throw new AssertionError("request " + id + " failed:\n" + text);
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("child " + (process.isAlive() ? "timed out" : "ended") + " before request "
                        + id + " ended:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Whether the child still runs.
     *
     * @return true while it runs
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the child's input and checks that it ends, with status 0, within a minute. */
    @Override
    public void close() throws Exception {
        try {
            requests.close();
            assertTrue(process.waitFor(1, TimeUnit.MINUTES), "the child did not end with its input");
            assertEquals(0, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
