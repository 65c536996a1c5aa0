package io.github.prefine.examples.cli;

import io.github.prefine.core.checkpoint.MalformedCheckpointException;
import io.github.prefine.core.data.MalformedDatasetException;
import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubServiceException;
import io.github.prefine.core.hub.ModelNotFoundException;
import io.github.prefine.core.train.NonFiniteLossException;
import io.github.prefine.eval.files.PredictionFileException;
import io.github.prefine.eval.report.MalformedResultsException;
import io.github.prefine.eval.report.MalformedTableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what ended a command into its exit code and one line for standard error.
 *
 * <p>Exit 2 is for bad input or a bad environment (a malformed or missing file, an unwritable or
 * full disk, a bad option, a diverged run, a Hub refusal such as 401 or 404): the line names the
 * file and location, what was expected, and what to do. Exit 3 is for an external service that
 * failed (the Hub unreachable, a request failed in transit, a download cut off or silent through
 * every attempt, HTTP 429 or 5xx), where the same command may succeed later: a script may retry
 * on 3 and not on 2. Exit 1 is for an internal fault: the line says so and asks for
 * {@code --verbose}, which adds the stack trace. A command that ends several pieces of work
 * (such as {@code data fetch}, one per task) exits with the {@linkplain #worst worst} of their
 * codes. Stateless.
 */
public final class CliErrors {
    /** Exit code of bad input or environment. */
    public static final int BAD_INPUT = 2;
    /** Exit code of an internal fault. */
    public static final int INTERNAL = 1;
    /** Exit code of an external service that failed; retrying later may help. */
    public static final int SERVICE = 3;
    /**
     * Exit code of a grid command ({@code demo}, {@code reproduce}, the Spark runner) that finished
     * with failed sweeps: every other sweep was run and written up, and the tables lack the failed
     * ones until their {@code records/*.failed} markers are deleted and the command is run again.
     */
    public static final int SWEEPS_FAILED = 4;
    /**
     * Exit code of a command whose standard output was closed by its reader ({@code | head}) before
     * it had written everything: 128 + SIGPIPE, as a shell reports a process that the signal ended.
     */
    public static final int OUTPUT_CLOSED = 141;

    private CliErrors() {}

    /**
     * The exit code and the message of a failure.
     *
     * @param exitCode {@link #BAD_INPUT}, {@link #SERVICE} or {@link #INTERNAL}
     * @param message one line, without the command prefix
     */
    public record Outcome(int exitCode, String message) {}

    /**
     * Classifies what ended a command.
     *
     * @param thrown the exception or error
     * @return the exit code and the line to print
     */
    public static Outcome classify(Throwable thrown) {
        Throwable e = unwrap(thrown);
        if (e instanceof IllegalArgumentException || e instanceof io.github.prefine.core.grid.RunMismatchException) {
            return bad(e.getMessage());
        }
        if (e instanceof PredictionFileException || e instanceof MalformedResultsException
                || e instanceof MalformedTableException) {
            return bad(e.getMessage() + "; fix the file and run again");
        }
        if (e instanceof MalformedDatasetException) {
            return bad(e.getMessage() + "; fix or remove that row (docs/data-layout.md shows the expected layout)");
        }
        if (e instanceof MalformedCheckpointException) {
            return bad(e.getMessage() + "; the encoder folder is damaged or not an HF checkpoint: download or export it again");
        }
        if (e instanceof ModelNotFoundException) {
            return bad(e.getMessage() + "; pass a local HF folder (config.json, model.safetensors, tokenizer.json), an HF"
                    + " model id reachable online, or minilm");
        }
        if (e instanceof io.github.prefine.examples.data.IncompleteFetchException) {
            return bad(e.getMessage()); // says what to do; not a disk or network fault
        }
        if (serviceFailed(e)) {
            return new Outcome(SERVICE, e instanceof HubException ? e.getMessage() + "; the Hub is failing or busy,"
                    + " try again later" : e.getMessage());
        }
        if (e instanceof HubException) {
            return bad(e.getMessage());
        }
        if (e instanceof NonFiniteLossException) {
            return bad("training diverged: " + e.getMessage() + "; lower the learning rate (--lr, --target-lr)");
        }
        if (e instanceof OutOfMemoryError) {
            return bad("out of memory (" + e.getMessage() + "); lower --batch-size or --max-length, or raise -Xmx");
        }
        if (e instanceof CharacterCodingException) {
            return bad("a file is not valid UTF-8 (" + e + "); save it as UTF-8 and run again");
        }
        if (e instanceof NoSuchFileException f) {
            return bad(f.getFile() + ": no such file or directory; check the path");
        }
        if (e instanceof AccessDeniedException f) {
            return bad(f.getFile() + ": permission denied; make it writable (readable) or choose another path");
        }
        if (e instanceof NotDirectoryException f) {
            return bad(f.getFile() + ": expected a directory, found a file; choose a directory path");
        }
        if (e instanceof FileAlreadyExistsException f) {
            return bad(f.getFile() + ": expected a directory, found a file; choose a directory path or remove the file");
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() == null ? "" : f.getReason();
            String full = fullDisk(reason);
            if (full != null) {
                return bad(f.getFile() + ": " + reason.toLowerCase(java.util.Locale.ROOT) + full);
            }
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("read-only")) {
                return bad(f.getFile() + ": read-only file system; choose a writable --out");
            }
            return bad(f.getFile() + ": " + (reason.isEmpty() ? f.getClass().getSimpleName() : reason)
                    + "; check the path and its permissions");
        }
        if (e instanceof IOException) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String full = fullDisk(m);
            if (full != null) {
                return bad(m + full);
            }
            if (m.contains("config.json") || m.contains(".safetensors")) {
                return bad(m + "; the encoder folder is damaged or not an HF checkpoint: download or export it again");
            }
            return bad(m + "; check the file, the disk and the network");
        }
        return new Outcome(INTERNAL, "internal error (" + e + "); rerun with --verbose for the stack trace and"
                + " report it with that trace");
    }

    /**
     * Tells whether an external service failed, where retrying later may help: a
     * {@link HubServiceException} anywhere in the causes, or a {@link HubException} for HTTP 429 or
     * 5xx.
     *
     * @param thrown what ended the work
     * @return true for exit {@link #SERVICE}
     */
    public static boolean serviceFailed(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HubServiceException
                    || (t instanceof HubException h && (h.statusCode() == 429 || h.statusCode() >= 500))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exit code of a command whose pieces of work ended with these two codes: an internal fault
     * over bad input over a failed service over success, so that {@link #SERVICE} (retry) is
     * returned only when a retry could fix everything that failed.
     *
     * @param a an exit code: 0, {@link #INTERNAL}, {@link #BAD_INPUT} or {@link #SERVICE}
     * @param b another
     * @return the worse of the two
     */
    public static int worst(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case 0 -> 0;
            case SERVICE -> 1;
            case BAD_INPUT -> 2;
            default -> 3;
        };
    }

    /**
     * What to do about an OS error that stops a run for lack of room: a full disk, a full quota
     * (common on clusters) or a file-size limit; null for any other error.
     */
    private static String fullDisk(String osMessage) {
        String m = osMessage.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("no space left") || m.contains("quota exceeded")) {
            return "; free some space or choose another --out, then run the same command again to resume";
        }
        if (m.contains("file too large")) {
            return "; raise the file-size limit (ulimit -f) or choose another --out, then run the same command again"
                    + " to resume";
        }
        return null;
    }

    /** Strips wrappers that add nothing a user can act on. */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof UncheckedIOException || t instanceof CompletionException
                || t instanceof ExecutionException || t instanceof java.lang.reflect.InvocationTargetException
                || (t.getClass() == RuntimeException.class && t.getCause() instanceof IOException))) {
            t = t.getCause();
        }
        return t;
    }

    private static Outcome bad(String message) {
        return new Outcome(BAD_INPUT, message);
    }

    // one line, as it has to fit a log line and a terminal
    /**
     * Puts a message on one line.
     *
     * @param message a message, possibly null
     * @return the message without line breaks
     */
    public static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
