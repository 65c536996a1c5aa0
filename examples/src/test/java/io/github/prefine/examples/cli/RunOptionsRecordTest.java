package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.grid.GridSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run.json}'s {@code options} holds every option of the command as given or defaulted, for
 * {@code demo} as for {@code reproduce} (docs/protocol.md, "What a run records"): the demo's
 * {@code --alpha}, which changes the reports only and so is kept out of the fingerprint, is
 * recorded there, as the document says.
 */
class RunOptionsRecordTest {

    @Test
    void theDemosRunJsonRecordsItsOptions(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--alpha", "0.01", "--seeds", "2", "--device", "cpu", "--out", out.toString());
        demo.checkValues();
        try (GridSession session = demo.grid(Device.cpu()).build().open()) {
            JsonObject options = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject()
                    .getAsJsonObject("options");
            for (String option : new String[] {"--alpha", "--seeds", "--precision", "--suite-seed"}) {
                assertTrue(options.has(option), option + " is not in run.json's options " + options);
            }
            assertEquals("0.01", options.get("--alpha").getAsString(), options.toString());
            assertEquals("2", options.get("--seeds").getAsString(), options.toString());
            // as defaulted
            assertEquals("fp32", options.get("--precision").getAsString(), options.toString());
            assertEquals("7", options.get("--suite-seed").getAsString(), options.toString());
        }
    }
}
