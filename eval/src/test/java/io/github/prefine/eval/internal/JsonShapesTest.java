package io.github.prefine.eval.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonShapesTest {

    @Test
    void abbreviatesOnlyBeyondSixtyCharacters() {
        assertEquals("x".repeat(60), JsonShapes.abbreviate("x".repeat(60)));
        assertEquals("x".repeat(57) + "...", JsonShapes.abbreviate("x".repeat(61)));
    }
}
