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

    @Test
    void minilmTruncatesAt256WordPiecesAsSentenceTransformersDoes() {
        // 36 x 7 + 2 = 254 word pieces: with [CLS] and [SEP], exactly 256 tokens
        String a = String.join(" ", java.util.Collections.nCopies(36, "the cat sat on the mat .")) + " the cat";
        String b = String.join(" ", java.util.Collections.nCopies(10, "stock markets crashed badly today ."));
        StringWriter buf = new StringWriter();
        CommandLine cli = new CommandLine(new EncodeCommand());
        cli.setOut(new PrintWriter(buf));
        assertEquals(0, cli.execute(a + " " + b, a), buf.toString());
        // sentence-transformers' all-MiniLM-L6-v2 (max_seq_length 256) reads only a in both: cosine 1
        assertTrue(buf.toString().contains("[0]   1.000   1.000"), buf.toString());
    }
}
