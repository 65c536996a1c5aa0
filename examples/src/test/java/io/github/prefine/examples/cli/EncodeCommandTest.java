package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.testing.SharedFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EncodeCommandTest {
    /** The README's cosines of the default sentences under all-MiniLM-L6-v2 (shared/models/all-MiniLM-L6-v2/README.md). */
    private static final String README_ROW = "[0]   1.000   0.667  -0.064";

    /** Exit code of the default run: no option, so MiniLM (the keyword minilm exactly) and the default sentences. */
    private static int defaultCode;
    /** What the default run printed; one run of MiniLM (an extraction and a load), which two cases read. */
    private static String defaultOut;

    @BeforeAll
    static void runTheDefault() {
        StringWriter buf = new StringWriter();
        CommandLine cli = new CommandLine(new EncodeCommand());
        cli.setOut(new PrintWriter(buf));
        defaultCode = cli.execute();
        defaultOut = buf.toString();
    }

    @Test
    void minilmFromTheMavenArtifactRanksTheReadmeSentencesLikeTheReference() {
        assertEquals(0, defaultCode, defaultOut);
        // the cosines shared/models/all-MiniLM-L6-v2/README.md gives: 0.667 and -0.064
        assertTrue(defaultOut.contains(README_ROW), defaultOut);
    }

    /**
     * The keyword minilm reads as every other command reads it ({@code reproduce --encoder MiniLM}):
     * in any case, blanks around it ignored. encode took "MiniLM" for a folder or Hub id and
     * refused it as neither. The exact keyword is the default run's (the option's default value);
     * blanks around it ({@code " MINILM "}) are read by the truncation case below, whose cut at 256
     * word pieces only the keyword gives.
     */
    @Test
    void theMinilmKeywordIsReadInAnyCaseAsEveryCommandReadsIt() {
        assertEquals(0, defaultCode, defaultOut);
        CliRunner cli = new CliRunner("encode");
        assertEquals(0, cli.run("--model", "MiniLM"), cli.err());
        // the same embeddings: the README's cosines, as for the exact keyword
        assertTrue(cli.out().contains(README_ROW), cli.out());
        assertEquals(defaultOut.substring(defaultOut.indexOf('\n')), cli.out().substring(cli.out().indexOf('\n')));
    }

    @Test
    void minilmTruncatesAt256WordPiecesAsSentenceTransformersDoes() {
        // 36 x 7 + 2 = 254 word pieces: with [CLS] and [SEP], exactly 256 tokens
        String a = String.join(" ", java.util.Collections.nCopies(36, "the cat sat on the mat .")) + " the cat";
        String b = String.join(" ", java.util.Collections.nCopies(10, "stock markets crashed badly today ."));
        StringWriter buf = new StringWriter();
        CommandLine cli = new CommandLine(new EncodeCommand());
        cli.setOut(new PrintWriter(buf));
        // the keyword in upper case with blanks around it: read as minilm, or the cut would be the model's 512
        assertEquals(0, cli.execute("--model", " MINILM ", a + " " + b, a), buf.toString());
        // sentence-transformers' all-MiniLM-L6-v2 (max_seq_length 256) reads only a in both: cosine 1
        assertTrue(buf.toString().contains("[0]   1.000   1.000"), buf.toString());
    }

    /**
     * sentence-transformers reads max_seq_length with Python's json: 8.5 is a float, not a length
     * (read as 8 through getAsInt before), and 4294967304 an int past the model's maximum, so no
     * limit below it (getAsInt wrapped it to 8, cutting a long sentence there).
     */
    @Test
    void maxSeqLengthIsReadAsPythonReadsAnInt(@TempDir Path tmp) throws Exception {
        Path folder = bertEncoder(tmp);
        String sentence = "john visited paris and rome with mary while the team read a film about a game";
        CliRunner plain = new CliRunner("encode");
        assertEquals(0, plain.run("--model", folder.toString(), sentence), plain.err());
        Path config = folder.resolve("sentence_bert_config.json");
        Files.writeString(config, "{\"max_seq_length\": 8.5}");
        CliRunner cli = new CliRunner("encode");
        assertEquals(2, cli.run("--model", folder.toString(), sentence), cli.out());
        assertTrue(cli.err().contains(config + ": expected a JSON object whose max_seq_length is a whole number of at least 1, found"),
                cli.err());
        Files.writeString(config, "{\"max_seq_length\": 4294967304}");
        CliRunner huge = new CliRunner("encode");
        assertEquals(0, huge.run("--model", folder.toString(), sentence), huge.err());
        assertEquals(plain.out(), huge.out());
    }

    /** A max_seq_length of 0 or below leaves no room for a token: bad input, named with its file. */
    @Test
    void maxSeqLengthBelowOneIsRefusedNamingItsFile(@TempDir Path tmp) throws Exception {
        Path folder = bertEncoder(tmp);
        Path config = folder.resolve("sentence_bert_config.json");
        for (String length : List.of("0", "-4")) {
            Files.writeString(config, "{\"max_seq_length\": " + length + "}");
            CliRunner cli = new CliRunner("encode");
            assertEquals(2, cli.run("--model", folder.toString(), "john visited paris"), cli.out());
            assertTrue(cli.err().contains(config.toString()) && cli.err().contains("max_seq_length"), cli.err());
        }
    }

    /**
     * A {@code tokenizer.json} the Rust tokenizers library refuses (an added token's id that is a
     * string, on line 14 of the fixture's file) is bad input named with its file and line, not an
     * internal fault: the library's bare RuntimeException named no file and exited 1.
     */
    @Test
    void aTokenizerTheLibraryRefusesIsBadInputNamingItsFileAndLine(@TempDir Path tmp) throws Exception {
        Path folder = bertEncoder(tmp);
        Path tokenizer = folder.resolve("tokenizer.json");
        String text = Files.readString(tokenizer);
        String bad = text.replaceFirst("\"id\": 0,", "\"id\": \"zero\",");
        int line = (int) bad.substring(0, bad.indexOf("\"zero\"")).chars().filter(c -> c == '\n').count() + 1;
        Files.writeString(tokenizer, bad);
        CliRunner cli = new CliRunner("encode");
        assertEquals(2, cli.run("--model", folder.toString(), "john visited paris"), cli.err());
        assertTrue(cli.err().contains(tokenizer + ":" + line + ": ") && cli.err().contains("expected u32"), cli.err());
    }

    /** A copy of the BERT encoder fixture, for a sentence_bert_config.json beside it. */
    private static Path bertEncoder(Path tmp) throws Exception {
        Path fixture = SharedFixtures.require("fixtures/hf-reference/bert/encoder");
        Path folder = tmp.resolve("model");
        Files.createDirectories(folder);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(fixture.resolve(f), folder.resolve(f));
        }
        return folder;
    }
}
