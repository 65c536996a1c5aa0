package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver keeps a pre-finetuning sweep's winning encoder by the rate its {@code result.json}
 * chose: a finite rate, as the grid writes it, reads; NaN, which equals no rate and so would have
 * the winner's encoder deleted with the losers', is refused naming the file and member.
 */
class SparkChosenRateTest {
    @Test
    void theChosenRateIsFiniteOrRefused(@TempDir Path dir) throws IOException {
        Path result = dir.resolve("result.json");
        Files.writeString(result, "{\n  \"setting\": \"Only-C\",\n  \"learningRate\": 0.001\n}");
        assertEquals(0.001, SparkGrid.chosenRate(result));
        for (String rate : new String[] {"NaN", "\"NaN\"", "1e400"}) {
            Files.writeString(result, "{\n  \"setting\": \"Only-C\",\n  \"learningRate\": " + rate + "\n}");
            IOException e = assertThrows(IOException.class, () -> SparkGrid.chosenRate(result), rate);
            // lenient Gson gives a bare NaN as the string "NaN"
            assertEquals(result + " $.learningRate: expected a finite number, found " + (rate.equals("NaN") ? "\"NaN\""
                    : rate) + "; delete the file to pre-finetune the setting again", e.getMessage());
        }
    }
}
