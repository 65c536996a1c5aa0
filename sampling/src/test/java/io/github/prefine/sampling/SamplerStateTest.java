package io.github.prefine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.primitives.ImmutableLongArray;
import org.junit.jupiter.api.Test;

class SamplerStateTest {
    private final SamplerState state = new SamplerState(
            -42, 3, 17, 0x9f3a0c1d22e4b5a6L, ImmutableLongArray.of(812, 0, 300));

    @Test
    void encodesToTheDocumentedLine() {
        assertEquals("prefine-sampler-v1;seed=-42;epoch=3;batch=17;config=9f3a0c1d22e4b5a6;"
                + "draws=812,0,300", state.encode());
    }

    @Test
    void decodeInvertsEncode() {
        assertEquals(state, SamplerState.decode(state.encode()));
        SamplerState noTasks = new SamplerState(0, 0, 0, 0, ImmutableLongArray.of());
        assertEquals(noTasks, SamplerState.decode(noTasks.encode()));
    }

    @Test
    void longArrayRoundTrips() {
        long[] flat = state.toLongArray();
        assertArrayEquals(new long[] {1, -42, 3, 17, 0x9f3a0c1d22e4b5a6L, 3, 812, 0, 300}, flat);
        assertEquals(state, SamplerState.fromLongArray(flat));
    }

    @Test
    void rejectsMalformedText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplerState.decode("prefine-sampler-v2;seed=1"));
        assertEquals("sampler state: expected prefine-sampler-v1;seed=…;epoch=…;batch=…;config=…;"
                + "draws=…, found \"prefine-sampler-v2;seed=1\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SamplerState.decode(
                "prefine-sampler-v1;seed=1;epoch=x;batch=0;config=0;draws="));
        assertEquals("sampler state: malformed number in"
                + " \"prefine-sampler-v1;seed=1;epoch=x;batch=0;config=0;draws=\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SamplerState.decode(
                "prefine-sampler-v1;seed=1;epoch=0;batch=0;cfg=0;draws="));
        assertEquals("sampler state: expected field config, found \"cfg=0\" in"
                + " \"prefine-sampler-v1;seed=1;epoch=0;batch=0;cfg=0;draws=\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SamplerState.decode(
                "prefine-sampler-v1;seed=1;epoch=0;batch=0;config=0;draws=-3"));
        assertEquals("taskDraws[0] must be >= 0, found -3", e.getMessage());
    }

    @Test
    void rejectsMalformedArrays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplerState.fromLongArray(new long[] {2, 0, 0, 0, 0, 0}));
        assertEquals("sampler state array: expected version 1 and at least 6 values, found length"
                + " 6 and version 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SamplerState.fromLongArray(new long[] {1, 0, 0, 0, 0, 2, 5}));
        assertEquals("sampler state array: header says 2 tasks, found 1 draw counts",
                e.getMessage());
    }

    @Test
    void rejectsNegativePositions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SamplerState(0, -1, 0, 0, ImmutableLongArray.of()));
        assertEquals("epoch must be >= 0, found -1", e.getMessage());
    }

    @Test
    void longArrayRoundTripsAtTheEdgesOfTheRanges() {
        SamplerState none = new SamplerState(0, 0, 0, 0, ImmutableLongArray.of());
        assertEquals(none, SamplerState.fromLongArray(none.toLongArray()));
        SamplerState last = new SamplerState(1, Integer.MAX_VALUE, Integer.MAX_VALUE, 2, ImmutableLongArray.of(3));
        assertEquals(last, SamplerState.fromLongArray(last.toLongArray()));
        assertThrows(IllegalArgumentException.class, () -> SamplerState.fromLongArray(new long[0]));
        long[] negative = none.toLongArray();
        negative[3] = -1;
        assertThrows(IllegalArgumentException.class, () -> SamplerState.fromLongArray(negative));
        long[] tooLarge = none.toLongArray();
        tooLarge[2] = Integer.MAX_VALUE + 1L;
        assertThrows(IllegalArgumentException.class, () -> SamplerState.fromLongArray(tooLarge));
    }
}
