package io.github.prefine.core.train.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.github.prefine.core.checkpoint.PlainFiles;
import io.github.prefine.core.checkpoint.PlainFolders;
import io.github.prefine.core.tokenize.internal.JsonFiles;
import io.github.prefine.eval.files.StrictJson;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The host-side part of a training checkpoint, stored as {@code state.json}: everything that is
 * not a tensor. Doubles are written with {@link Double#toString}, so they read back bit for bit.
 * Every member of a basic type (a flag, a count, a rate; the state's and each epoch's), and the
 * manifest, is in every state.json since the format's first version, so one missing is refused
 * rather than read as its Java default (or null); the members added later are boxed and read as
 * null where absent.
 *
 * @param format the format tag
 * @param epochsDone epochs completed
 * @param globalStep optimiser steps taken
 * @param learningRate the peak learning rate
 * @param seed the run seed
 * @param samplerState the sampler's state after planning the last completed epoch
 * @param scores the early-stopping score of each epoch
 * @param epochs each epoch's report: validation losses, average, improved, seconds, examples
 * @param stepCounts the optimiser's per-parameter step counts
 * @param finished true once the run has ended and the best weights are the model's
 * @param stoppedEarly true if patience ran out before the epoch limit (versions before 2026-12-07
 *     recorded true also where it ran out on the last allowed epoch)
 * @param manifest run provenance (Java, OS, architecture, DJL engine, device) and the settings a
 *     resume must match (schedule, precision and accumulation, in every checkpoint; the optimiser's
 *     {@code optimizer.*}, absent from checkpoints written before they were kept, and {@code
 *     replicas}, absent before 2026-12-07) or warns of ({@code evalBatchSize}, absent before
 *     2026-12-07); never null in a
 *     state read back
 * @param lossScale mixed precision only, else null: the loss scaler's scale (a float written
 *     exactly, so it reads back bit for bit); null also in checkpoints written before it was kept
 * @param lossScaleGrowthTracker mixed precision only, else null: the scaler's count of clean steps
 *     since its last change
 * @param skippedSteps mixed precision only, else null: steps skipped so far for a non-finite
 *     gradient; null also in checkpoints written before it was kept (before 2026-12-04), from which
 *     a resume derives it with a warning: the steps run less the encoder's step count
 * @param overflowStreak loss scaling only, else null: the steps skipped in a row up to the
 *     checkpoint, which a run of 50 declares diverged; null also in checkpoints written before it
 *     was kept (before 2026-12-05), whose resume counts the streak from 0 with a warning
 */
public record TrainState(String format, int epochsDone, long globalStep, double learningRate, long seed,
        byte[] samplerState, List<Double> scores, List<EpochRecord> epochs, Map<String, Long> stepCounts,
        boolean finished, boolean stoppedEarly, Map<String, String> manifest, Float lossScale,
        Integer lossScaleGrowthTracker, Long skippedSteps, Integer overflowStreak) {

    /** The format tag written by this version. */
    public static final String FORMAT = "prefine-train-state/1";
    /** What the manifest holds, for the message of a state without it. */
    private static final String MANIFEST = "an object: the run's provenance and settings";
    /** What a checkpoint's state.json holds, for the messages of one that cannot be read. */
    private static final String EXPECTED = "expected the run's training state (JSON, UTF-8) that every checkpoint holds";
    /**
     * Reads only JSON's true and false as a flag: Gson's own reader took any string, so that
     * {@code "finished": "yes"} read as false without a word.
     */
    private static final TypeAdapter<Boolean> STRICT_BOOLEAN = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Boolean value) throws IOException {
            out.value(value);
        }

        @Override
        public Boolean read(JsonReader in) throws IOException {
            JsonToken t = in.peek();
            if (t == JsonToken.BOOLEAN) {
                return in.nextBoolean();
            }
            if (t == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            // the value as JSON text, not Gson's token name ("begin_array")
            String found = t == JsonToken.STRING ? "the string \"" + in.nextString() + "\""
                    : JsonShapes.describe(JsonParser.parseReader(in));
            throw new JsonSyntaxException("expected true or false, found " + found + locationOf(in));
        }
    };
    /**
     * Refuses null for a member of primitive type (a flag, a count, a rate), which the state always
     * writes: Gson's record reader gave it the default, so {@code "finished": null} read as an
     * unfinished run without a word. The members that may be null are boxed, and stay accepted.
     */
    private static final TypeAdapterFactory NO_NULL_PRIMITIVES = new TypeAdapterFactory() {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (!type.getRawType().isPrimitive()) {
                return null;
            }
            TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
            String expected = expectedOf(type.getRawType());
            return new TypeAdapter<T>() {
                @Override
                public void write(JsonWriter out, T value) throws IOException {
                    delegate.write(out, value);
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        throw new JsonSyntaxException("expected " + expected + ", found null" + locationOf(in));
                    }
                    return delegate.read(in);
                }
            };
        }
    };
    // registered after the strict flag, so that it asks the strict flag for a non-null boolean
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
            .registerTypeAdapter(boolean.class, STRICT_BOOLEAN).registerTypeAdapter(Boolean.class, STRICT_BOOLEAN)
            .registerTypeAdapterFactory(NO_NULL_PRIMITIVES).create();

    /**
     * One epoch's report as stored.
     *
     * @param validationLosses per task
     * @param average the early-stopping score
     * @param improved whether it was a new best
     * @param trainSeconds wall-clock training seconds
     * @param trainExamples examples seen
     */
    public record EpochRecord(List<Double> validationLosses, double average, boolean improved, double trainSeconds,
            long trainExamples) {}

    /**
     * Writes the state.
     *
     * @param file the file
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        PlainFiles.writeString(file, GSON.toJson(this));
    }

    /**
     * Writes the state into one of prefine's folders below a folder the user named, the file opened
     * fresh relative to its folder, entered without following links.
     *
     * @param anchor the folder the user named
     * @param file the file, inside {@code anchor}
     * @throws IOException if writing fails, or a symbolic link is in place of a folder below the anchor
     */
    public void write(Path anchor, Path file) throws IOException {
        try (Writer w = new BufferedWriter(new OutputStreamWriter(PlainFolders.newOutputStream(anchor, file),
                StandardCharsets.UTF_8.newEncoder()))) {
            w.write(GSON.toJson(this));
        }
    }

    /**
     * Reads a state.
     *
     * @param file the file
     * @return the state
     * @throws IOException naming the file if it is missing, cannot be read, is not UTF-8 or not a
     *     state of this format
     */
    public static TrainState read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // the JDK's message names only the file
            throw new IOException(file + ": is missing; " + EXPECTED, e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e + "); " + EXPECTED, e);
        }
        // the JDK's decoder refusal ("Input length = 1") placed nothing
        String notUtf8 = JsonFiles.notUtf8(bytes);
        if (notUtf8 != null) {
            throw new IOException(file + ": " + notUtf8 + "; " + EXPECTED);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        TrainState s;
        JsonReader reader = GSON.newJsonReader(new StringReader(text));
        try {
            s = GSON.fromJson(reader, TrainState.class);
            if (s != null && reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonSyntaxException("JSON document was not fully consumed." + locationOf(reader));
            }
        } catch (NumberFormatException e) {
            // Gson's double reader lets this out bare, naming neither the file nor the field
            throw new IOException(file + ": expected a training state (JSON), found 'a number that does not read ("
                    + e.getMessage() + ")'" + place(StrictJson.syntax(reader.toString())), e);
        } catch (JsonParseException | IOException e) {
            // Gson's message, in plain words, with the place where the text stopped being a state
            StrictJson.Syntax x = StrictJson.syntax(e);
            throw new IOException(file + ": expected a training state (JSON), found '" + x.reason() + "'" + place(x), e);
        }
        if (s == null || !FORMAT.equals(s.format())) {
            throw new IOException(file + ": expected format " + FORMAT + ", found " + (s == null ? "nothing" : s.format()));
        }
        String missing = missingMember(JsonParser.parseString(text).getAsJsonObject());
        if (missing != null) {
            throw new IOException(file + ": expected a training state (JSON), found " + missing
                    + ", which every training state holds");
        }
        return s;
    }

    /**
     * The first member of a basic type (a flag, a count, a rate) that the state or one of its
     * epochs lacks, or the manifest missing or null, as "no member PATH (expected WHAT)" or "null at
     * PATH (expected WHAT)"; null if none: Gson's record reader gives a missing one its Java default
     * (null for the manifest) without a word. Every state.json since the format's first version
     * holds each of them; the members added later ({@code lossScale}, {@code
     * lossScaleGrowthTracker}, {@code skippedSteps}, {@code overflowStreak}) are boxed, and absent
     * from older checkpoints, so read as null.
     */
    private static String missingMember(JsonObject state) {
        if (!state.has("manifest")) {
            return "no member $.manifest (expected " + MANIFEST + ")";
        }
        if (state.get("manifest").isJsonNull()) {
            // a resume checks the recorded schedule and precision against it
            return "null at $.manifest (expected " + MANIFEST + ")";
        }
        String m = missingMember(state, TrainState.class, "$");
        if (m == null && state.get("epochs") instanceof JsonArray epochs) {
            for (int i = 0; i < epochs.size() && m == null; i++) {
                if (epochs.get(i) instanceof JsonObject epoch) {
                    m = missingMember(epoch, EpochRecord.class, "$.epochs[" + i + "]");
                }
            }
        }
        return m;
    }

    private static String missingMember(JsonObject o, Class<? extends Record> type, String path) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType().isPrimitive() && !o.has(c.getName())) {
                return "no member " + path + "." + c.getName() + " (expected " + expectedOf(c.getType()) + ")";
            }
        }
        return null;
    }

    /** What a member of a primitive type holds, in JSON's words. */
    private static String expectedOf(Class<?> primitive) {
        return primitive == boolean.class ? "true or false" : "a number";
    }

    /** " at line L column C (P)" where Gson named a place, else nothing. */
    private static String place(StrictJson.Syntax x) {
        return x.located() ? " at line " + x.line() + " column " + x.column() + " (" + x.path() + ")" : "";
    }

    /** The reader's place as Gson words it in its messages: " at line L column C path P". */
    private static String locationOf(JsonReader reader) {
        String r = reader.toString();
        int at = r.indexOf(" at line ");
        return at < 0 ? "" : r.substring(at);
    }
}
