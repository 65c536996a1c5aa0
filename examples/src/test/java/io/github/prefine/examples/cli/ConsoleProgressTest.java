package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void rendersThroughputAndEtaFromElapsedTime() {
        AtomicLong now = new AtomicLong(0);
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), false, now::get);
        bar.start("epoch 1", 1000, "ex");
        now.set(2_000_000_000L); // 2 s for 250 examples: 125 ex/s, 750 left: 6 s
        String line = bar.render(250, "loss 0.5", now.get());
        assertEquals("epoch 1 [#######.....................]  25% 250/1000 ex | 125.0 ex/s | ETA 00:06 | loss 0.5", line);
    }

    @Test
    void nonInteractiveOutputIsThrottledButAlwaysShowsCompletion() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress bar = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, now::get);
        bar.start("x", 10, "it");
        for (int i = 1; i <= 10; i++) {
            now.addAndGet(100_000_000L); // 0.1 s a step, far below the 5 s interval
            bar.update(i, "");
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, "first draw and the completed bar only");
        assertTrue(lines[1].contains("10/10"));
    }
}
