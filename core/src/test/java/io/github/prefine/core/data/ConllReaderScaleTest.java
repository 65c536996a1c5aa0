package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.prefine.core.testing.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CoNLL reader splits lines without a regular expression and keeps one instance per distinct
 * token and tag: its sentences must equal those of the plain rule ({@code strip} then split at
 * runs of spaces and tabs, or split at every tab), on every shared CoNLL file and on a synthetic
 * file holding the awkward cases.
 */
class ConllReaderScaleTest {
    private static final Pattern SPACES = Pattern.compile("[ \\t]+");

    /** The reference rule, written from the file formats of {@code data/SOURCES.md}. */
    private static List<TokenExample> reference(Path file, boolean tab, int tokenColumn, int tagColumn,
            FileTagScheme scheme) throws IOException {
        String name = file.getParent().getFileName() + "/" + file.getFileName();
        List<String> lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        List<TokenExample> out = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int first = -1;
        for (int i = 0; i <= lines.size(); i++) {
            String text = i < lines.size() ? lines.get(i).replace("\r", "").replace("\ufeff", "") : "";
            String[] f = text.isBlank() ? null : tab ? text.split("\t", -1) : SPACES.split(text.strip());
            if (f == null || f[0].startsWith("-DOCSTART-")) {
                if (first > 0) {
                    out.add(new TokenExample(name + ":" + first, tokens, scheme.toTrainingScheme(tags)));
                }
                tokens = new ArrayList<>();
                tags = new ArrayList<>();
                first = -1;
                continue;
            }
            if (first < 0) {
                first = i + 1;
            }
            tokens.add(f[Math.floorMod(tokenColumn, f.length)]);
            tags.add(f[Math.floorMod(tagColumn, f.length)]);
        }
        return out;
    }

    private static void assertSameSentences(List<TokenExample> expected, List<TokenExample> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + " sentences");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), what + " sentence " + i);
        }
    }

    @Test
    void everySharedConllFileReadsAsThePlainSplitRuleReadsIt() throws IOException {
        Path data = SharedFixtures.require("data");
        ConllReader space = ConllReader.builder().build();
        ConllReader spaceIob1 = ConllReader.builder().optScheme(FileTagScheme.IOB1).build();
        ConllReader tab = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build();
        ConllReader tagFirst = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).optColumns(2)
                .optTagColumn(0).optTokenColumn(1).build();
        Object[][] files = {
            {"sl/conll2003/eng.train", spaceIob1}, {"sl/conll2003/eng.testa", spaceIob1},
            {"sl/conll2002/es/esp.train", space}, {"sl/conll2002/nl/ned.train", space},
            {"sl/sec_filings/FIN5.txt", spaceIob1}, {"sl/wikigold/wikigold.conll.txt", spaceIob1},
            {"sl/anem/AnEM.train", tab}, {"sl/gum/gum-train.conll", tab}, {"sl/re3d/re3d-train.conll", tab},
            {"sl/snips/bio/train.bio", tab}, {"sl/atis/bio/train.bio", tab}, {"sl/wnut17/wnut17train.conll", tab},
            {"sl/wnut17/emerging.dev.conll", tab}, {"sl/ncbi_disease/train.tsv", tab},
            {"sl/mit_movie/engtrain.bio", tagFirst},
        };
        for (Object[] f : files) {
            Path file = data.resolve((String) f[0]);
            ConllReader reader = (ConllReader) f[1];
            boolean isTab = reader != space && reader != spaceIob1;
            List<TokenExample> expected = reference(file, isTab, reader == tagFirst ? 1 : 0, reader == tagFirst ? 0 : -1,
                    reader.scheme());
            assertSameSentences(expected, reader.read(file, Leniency.STRICT).examples(), (String) f[0]);
        }
    }

    @Test
    void splitsAwkwardLinesAsThePlainRuleAndSharesRepeatedStrings(@TempDir Path dir) throws IOException {
        // leading and trailing blanks, runs of spaces and tabs, a no-break space inside a token (not a
        // separator), a -DOCSTART- line after leading spaces, CRLF endings, IOB1 tags converted to IOB2
        String text = "-DOCSTART- -X- O O\n\n"
                + "  EU\tNNP  I-ORG \r\n"
                + "rejects \t VBZ\tO\n"
                + "Ger\u00a0man JJ I-MISC\n"
                + "\t \n"
                + "   -DOCSTART- O\n"
                + "EU NNP I-ORG\n"
                + "EU NNP I-ORG\n"
                + "rejects VBZ O\n"
                + " \t\n\n"
                + "Peter NNP B-PER\n"
                + "Blackburn NNP I-PER";
        Path file = dir.resolve("awkward.conll");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        ConllReader reader = ConllReader.builder().optScheme(FileTagScheme.IOB1).build();
        List<TokenExample> read = reader.read(file, Leniency.STRICT).examples();

        List<TokenExample> expected = List.of(
                new TokenExample("dir/awkward.conll:3", List.of("EU", "rejects", "Ger\u00a0man"), List.of("B-ORG", "O", "B-MISC")),
                new TokenExample("dir/awkward.conll:8", List.of("EU", "EU", "rejects"), List.of("B-ORG", "I-ORG", "O")),
                new TokenExample("dir/awkward.conll:13", List.of("Peter", "Blackburn"), List.of("B-PER", "I-PER")));
        List<TokenExample> renamed = new ArrayList<>();
        for (TokenExample e : read) {
            renamed.add(new TokenExample(e.id().replaceFirst("^[^/]+/", "dir/"), e.tokens(), e.tags()));
        }
        assertEquals(expected, renamed);
        assertSameSentences(reference(file, false, 0, -1, FileTagScheme.IOB1), read, "the plain rule");

        // one instance per distinct token and tag, within and across sentences, converted tags included
        assertSame(read.get(0).tokens().get(0), read.get(1).tokens().get(0));
        assertSame(read.get(1).tokens().get(0), read.get(1).tokens().get(1));
        assertSame(read.get(0).tokens().get(1), read.get(1).tokens().get(2));
        assertSame(read.get(0).tags().get(1), read.get(1).tags().get(2));
        assertSame(read.get(0).tags().get(0), read.get(1).tags().get(0));
    }

    @Test
    void aTabFileDoesNotStripBeforeLookingForDocStart(@TempDir Path dir) throws IOException {
        // with tabs as separators the first field is the line up to its first tab, blanks included
        Path file = dir.resolve("tab.conll");
        Files.writeString(file, " -DOCSTART-\tO\nword\tO\n\n-DOCSTART-\tO\nnext\tB-X\n", StandardCharsets.UTF_8);
        List<TokenExample> read = ConllReader.builder().optSeparator(ConllReader.Separator.TAB).build()
                .read(file, Leniency.STRICT).examples();
        assertEquals(2, read.size());
        assertEquals(List.of(" -DOCSTART-", "word"), read.get(0).tokens());
        assertEquals(List.of("next"), read.get(1).tokens());
        assertSameSentences(reference(file, true, 0, -1, FileTagScheme.IOB2), read, "the plain rule");
    }
}
