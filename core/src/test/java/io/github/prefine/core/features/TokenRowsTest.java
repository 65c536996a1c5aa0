package io.github.prefine.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bit-packed ids read back exactly for every width, including ids that straddle two words. */
class TokenRowsTest {
    @Test
    void everyWidthRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int bits = 1; bits <= 24; bits++) {
            int max = (1 << bits) - 1;
            TokenRows.Builder b = TokenRows.builder(0);
            int[][] rows = new int[40][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = new int[rnd.nextInt(0, 70)];
                for (int i = 0; i < rows[r].length; i++) {
                    rows[r][i] = rnd.nextInt(0, max + 1);
                }
                if (r == 0 && rows[r].length > 0) {
                    rows[r][0] = max; // force the width
                }
                int second = rows[r].length / 2;
                if (r % 2 == 0) {
                    b.add(rows[r], 0, rows[r].length, second);
                } else {
                    int[] types = new int[rows[r].length];
                    java.util.Arrays.fill(types, second, types.length, 1);
                    b.add(rows[r], types, rows[r].length);
                }
            }
            TokenRows t = b.build();
            if (rows[0].length > 0) {
                assertEquals(bits, t.bitsPerId());
            }
            long[] dst = new long[80];
            for (int r = 0; r < rows.length; r++) {
                assertEquals(rows[r].length, t.length(r));
                assertEquals(rows[r].length / 2, t.secondStart(r));
                t.copyIds(r, dst, 3);
                for (int i = 0; i < rows[r].length; i++) {
                    assertEquals(rows[r][i], t.id(r, i), "bits " + bits + " row " + r + " pos " + i);
                    assertEquals(rows[r][i], dst[3 + i]);
                }
            }
        }
    }

    @Test
    void xlmrSizedIdsCostEighteenBits() {
        TokenRows.Builder b = TokenRows.builder(1);
        int[] ids = new int[1000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 250001 - i;
        }
        b.add(ids, 0, ids.length, ids.length);
        TokenRows t = b.build();
        assertEquals(18, t.bitsPerId());
        // 1000 x 18 bits = 18000 bits = 282 longs (rounded up), plus two row offsets.
        assertEquals(8 * 282 + 4 * 2, t.storedBytes());
        assertThrows(IllegalArgumentException.class, () -> b.add(ids, 0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> b.add(new int[] {1 << 24}, 0, 1, 1));
    }

    @Test
    void theLargestIdIsThatOfAnyRowOrThePadId() {
        TokenRows.Builder rows = TokenRows.builder(1);
        rows.add(new int[] {0, 250_001, 2}, 0, 3, 3);
        rows.add(new int[] {0, 17, 2}, 0, 3, 3);
        assertEquals(250_001, rows.build().largestId());
        // padding adds the pad id to every batch, so it counts even when no row holds it
        TokenRows.Builder b = TokenRows.builder(30);
        b.add(new int[] {3, 4}, 0, 2, 2);
        assertEquals(30, b.build().largestId());
        assertEquals(7, TokenRows.builder(7).build().largestId());
    }
}
