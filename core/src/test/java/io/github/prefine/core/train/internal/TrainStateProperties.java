package io.github.prefine.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of {@link TrainState}'s {@code state.json}: any state, extreme doubles included
 * (NaN, infinities, -0.0, subnormals, the largest and smallest), extreme longs and non-ASCII
 * manifest text, reads back equal bit for bit; and a file with one field's value replaced by one
 * of the wrong kind, or cut short, is refused with an {@link IOException} naming the file, never
 * read as a state nor failing with another exception.
 */
class TrainStateProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("train-state-properties");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        TestFiles.deleteTree(dir);
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
                        Double.MAX_VALUE, -Double.MAX_VALUE, 0.1, 1.0 / 3),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    private static Arbitrary<Float> floats() {
        return Arbitraries.oneOf(
                Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 65536f, -0.0f),
                Arbitraries.integers().map(Float::intBitsToFloat));
    }

    private static Arbitrary<String> text() {
        // any code point but lone surrogates, which have no UTF-8 form
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(12);
    }

    @Provide
    Arbitrary<TrainState> states() {
        Arbitrary<TrainState.EpochRecord> epoch = Builders.withBuilder(() -> new Object[5])
                .use(doubles().list().ofMaxSize(4)).in((a, v) -> set(a, 0, v))
                .use(doubles()).in((a, v) -> set(a, 1, v))
                .use(Arbitraries.of(true, false)).in((a, v) -> set(a, 2, v))
                .use(doubles()).in((a, v) -> set(a, 3, v))
                .use(Arbitraries.longs()).in((a, v) -> set(a, 4, v))
                .build(a -> new TrainState.EpochRecord(cast(a[0]), (Double) a[1], (Boolean) a[2], (Double) a[3], (Long) a[4]));
        return Builders.withBuilder(() -> new Object[15])
                .use(Arbitraries.integers()).in((a, v) -> set(a, 0, v))
                .use(Arbitraries.longs()).in((a, v) -> set(a, 1, v))
                .use(doubles()).in((a, v) -> set(a, 2, v))
                .use(Arbitraries.longs()).in((a, v) -> set(a, 3, v))
                .use(Arbitraries.bytes().array(byte[].class).ofMaxSize(16)).in((a, v) -> set(a, 4, v))
                .use(doubles().list().ofMaxSize(5)).in((a, v) -> set(a, 5, v))
                .use(epoch.list().ofMaxSize(3)).in((a, v) -> set(a, 6, v))
                .use(Arbitraries.maps(text(), Arbitraries.longs()).ofMaxSize(3)).in((a, v) -> set(a, 7, v))
                .use(Arbitraries.of(true, false)).in((a, v) -> set(a, 8, v))
                .use(Arbitraries.of(true, false)).in((a, v) -> set(a, 9, v))
                .use(Arbitraries.maps(text(), text()).ofMaxSize(3)).in((a, v) -> set(a, 10, v))
                .use(floats().injectNull(0.3)).in((a, v) -> set(a, 11, v))
                .use(Arbitraries.integers().injectNull(0.3)).in((a, v) -> set(a, 12, v))
                .use(Arbitraries.longs().injectNull(0.3)).in((a, v) -> set(a, 13, v))
                .use(Arbitraries.integers().injectNull(0.3)).in((a, v) -> set(a, 14, v))
                .build(a -> new TrainState(TrainState.FORMAT, (Integer) a[0], (Long) a[1], (Double) a[2], (Long) a[3],
                        (byte[]) a[4], cast(a[5]), cast(a[6]), cast(a[7]), (Boolean) a[8], (Boolean) a[9], cast(a[10]),
                        (Float) a[11], (Integer) a[12], (Long) a[13], (Integer) a[14]));
    }

    private static Object[] set(Object[] a, int i, Object v) {
        a[i] = v;
        return a;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    @Property(tries = 150)
    void aStateReadsBackBitForBit(@ForAll("states") TrainState s) throws IOException {
        Path file = dir.resolve("state.json");
        s.write(file);
        TrainState back = TrainState.read(file);
        assertEquals(s.format(), back.format());
        assertEquals(s.epochsDone(), back.epochsDone());
        assertEquals(s.globalStep(), back.globalStep());
        assertSameDouble(s.learningRate(), back.learningRate(), "learningRate");
        assertEquals(s.seed(), back.seed());
        assertArrayEquals(s.samplerState(), back.samplerState());
        assertSameDoubles(s.scores(), back.scores(), "scores");
        assertEquals(s.epochs().size(), back.epochs().size());
        for (int e = 0; e < s.epochs().size(); e++) {
            TrainState.EpochRecord a = s.epochs().get(e);
            TrainState.EpochRecord b = back.epochs().get(e);
            assertSameDoubles(a.validationLosses(), b.validationLosses(), "epoch " + e + " losses");
            assertSameDouble(a.average(), b.average(), "epoch " + e + " average");
            assertEquals(a.improved(), b.improved());
            assertSameDouble(a.trainSeconds(), b.trainSeconds(), "epoch " + e + " seconds");
            assertEquals(a.trainExamples(), b.trainExamples());
        }
        assertEquals(s.stepCounts(), back.stepCounts());
        assertEquals(s.finished(), back.finished());
        assertEquals(s.stoppedEarly(), back.stoppedEarly());
        assertEquals(s.manifest(), back.manifest());
        if (s.lossScale() == null) {
            assertEquals(null, back.lossScale());
        } else {
            assertEquals(0, Float.compare(s.lossScale(), back.lossScale()), "lossScale " + s.lossScale() + " read as " + back.lossScale());
        }
        assertEquals(s.lossScaleGrowthTracker(), back.lossScaleGrowthTracker());
        assertEquals(s.skippedSteps(), back.skippedSteps());
        assertEquals(s.overflowStreak(), back.overflowStreak());
    }

    /** Fields and a value of the wrong kind for each. */
    private static final Map<String, JsonElement> WRONG = new LinkedHashMap<>();

    static {
        WRONG.put("format", new JsonPrimitive("prefine-train-state/0"));
        WRONG.put("epochsDone", new JsonPrimitive("two"));
        WRONG.put("globalStep", new JsonPrimitive(1.5));
        WRONG.put("learningRate", new JsonPrimitive("fast"));
        WRONG.put("seed", new JsonPrimitive("1e400"));
        WRONG.put("samplerState", new JsonPrimitive(300));
        WRONG.put("scores", new JsonPrimitive(0.5));
        WRONG.put("epochs", new JsonPrimitive(true));
        WRONG.put("stepCounts", JsonParser.parseString("[1, 2]"));
        WRONG.put("finished", new JsonPrimitive("yes"));
        WRONG.put("manifest", new JsonPrimitive(7));
        WRONG.put("lossScale", new JsonPrimitive("big"));
        WRONG.put("overflowStreak", new JsonPrimitive(2.5));
    }

    @Property(tries = 60)
    void aFieldOfTheWrongKindIsRefusedNamingTheFile(@ForAll("states") TrainState s,
            @ForAll @IntRange(min = 0, max = 12) int field) throws IOException {
        String name = new ArrayList<>(WRONG.keySet()).get(field);
        Path file = dir.resolve("corrupt.json");
        s.write(file);
        JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        json.add(name, WRONG.get(name));
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TrainState.read(file), name + " = " + WRONG.get(name));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Property(tries = 60)
    void aFileCutShortIsRefusedNamingTheFile(@ForAll("states") TrainState s,
            @ForAll @IntRange(min = 0, max = 1000) int cutSeed) throws IOException {
        Path file = dir.resolve("cut.json");
        s.write(file);
        byte[] whole = Files.readAllBytes(file);
        int keep = cutSeed % (whole.length - 1);
        // trailing whitespace aside, any cut leaves the object unclosed
        String cut = new String(whole, 0, keep, StandardCharsets.UTF_8);
        Files.writeString(file, cut, StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TrainState.read(file), "kept " + keep + " bytes");
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private static void assertSameDouble(double expected, double actual, String what) {
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                what + ": " + expected + " read back as " + actual);
    }

    private static void assertSameDoubles(List<Double> expected, List<Double> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertSameDouble(expected.get(i), actual.get(i), what + " [" + i + "]");
        }
    }
}
