package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.examples.demo.SyntheticSuite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tests' hook on the demo's split sizes reads four positive numbers or says what it expected. */
class DemoSizesPropertyTest {
    @AfterEach
    void clear() {
        System.clearProperty(DemoCommand.SIZES_PROPERTY);
    }

    @Test
    void fourPositiveNumbersAreTheSizesAndAnythingElseIsRefusedNamingWhatWasGiven() {
        assertEquals(SyntheticSuite.Sizes.demo(), DemoCommand.sizes(), "unset: the README's demo");
        System.setProperty(DemoCommand.SIZES_PROPERTY, "64, 16,16,8");
        assertEquals(new SyntheticSuite.Sizes(64, 16, 16, 8), DemoCommand.sizes());
        // a word threw NumberFormatException naming only the word, a zero made a task without examples
        for (String bad : new String[] {"a,b,c,d", "64,16,16", "64,16,16,16,1", "64,0,16,16", "64,-1,16,16", ""}) {
            System.setProperty(DemoCommand.SIZES_PROPERTY, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, DemoCommand::sizes, bad);
            assertEquals(DemoCommand.SIZES_PROPERTY + ": expected four positive whole numbers,"
                    + " pretrainTrain,targetTrain,validation,test, found '" + bad + "'", e.getMessage());
        }
    }
}
