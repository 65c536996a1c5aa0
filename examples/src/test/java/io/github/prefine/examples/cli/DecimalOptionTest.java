package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How a decimal option's value reads at the edge of the double range. */
class DecimalOptionTest {
    /**
     * {@code --alpha 1e-400} was read as 0 and refused with "found 0.0", a value the user never
     * wrote; a non-zero number below the smallest double is now refused naming what was given.
     */
    @Test
    void aNonZeroNumberBelowTheSmallestDoubleIsRefusedNamingIt() {
        for (String given : new String[] {"1e-400", "-0.5e-330", "0.000001e-320"}) {
            CommandLine.TypeConversionException e =
                    assertThrows(CommandLine.TypeConversionException.class, () -> OptionValues.decimal(given), given);
            assertEquals("expected a decimal number such as 0.05 or 1e-4, found '" + given
                    + "', which is non-zero but too small for a double (the smallest is about 4.9e-324)", e.getMessage());
        }
    }

    /** Zero written any way is still zero, and the smallest doubles still read as themselves. */
    @Test
    void zeroAndTheSmallestDoublesStillRead() {
        for (String zero : new String[] {"0", "0.000", "-0e-400", ".0", "00e5"}) {
            assertEquals(0.0, Math.abs(OptionValues.decimal(zero)), zero);
        }
        assertEquals(Double.MIN_VALUE, OptionValues.decimal("4.9e-324"));
        assertEquals(Double.MIN_NORMAL, OptionValues.decimal("2.2250738585072014E-308"));
    }
}
