package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EncodeCommandTest {
    @Test
    void minilmFromTheMavenArtifactRanksTheReadmeSentencesLikeTheReference() {
        StringWriter buf = new StringWriter();
        CommandLine cli = new CommandLine(new EncodeCommand());
        cli.setOut(new PrintWriter(buf));
        int code = cli.execute();
        String out = buf.toString();
        assertEquals(0, code, out);
        // the cosines shared/models/all-MiniLM-L6-v2/README.md gives: 0.667 and -0.064
        assertTrue(out.contains("[0]   1.000   0.667  -0.064"), out);
    }
}
