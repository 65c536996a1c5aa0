package io.github.prefine.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.prefine.core.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defects {@link ReaderFuzzTest} found, each pinned as its smallest input. */
class ReaderFuzzRegressionTest {
    @TempDir
    Path dir;

    @Test
    void jsonSyntaxErrorInADocumentNamesItsLineAndColumnInPlainWords() throws IOException {
        // the second line lost a quote: Gson's own message named its exception class, its
        // setStrictness advice and the place, and the exception's location stayed empty
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"version\": \"1.1\",\n \"data\": [{\"title: \"T\"}]}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("2", e.location());
        assertEquals("squad/dev.json:2: expected valid JSON, found 'Expected ':'' at column 22"
                + " ($.data[0].title: )", e.getMessage());
    }

    @Test
    void jsonSyntaxErrorOnAJsonLineKeepsTheFileLine() throws IOException {
        Path f = TestFiles.write(dir, "cb/val.jsonl",
                "{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":\"neutral\"}\n{\"premise\":\"a\",\"hypothesis\":\"b\",\"label\":[}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> JsonlClassificationReader.premiseHypothesis().read(f));
        assertEquals("cb/val.jsonl:2: expected valid JSON, found 'Expected value' at column 42 ($.label[0])",
                e.getMessage());
    }

    @Test
    void singleQuotesAreCalledNonStandardJson() throws IOException {
        Path f = TestFiles.write(dir, "cb/val.jsonl", "{'premise':\"a\"}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> JsonlClassificationReader.premiseHypothesis().read(f));
        assertEquals("cb/val.jsonl:1: expected valid JSON, found 'non-standard JSON (such as single quotes, unquoted"
                + " names or values, comments)' at column 3 ($.)", e.getMessage());
    }

    @Test
    void textAfterAJsonDocumentIsLocated() throws IOException {
        Path f = TestFiles.write(dir, "squad/dev.json", "{\"data\": []}\n{\"data\": []}\n");
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class, () -> new SquadReader().read(f));
        assertEquals("squad/dev.json:2: expected valid JSON, found 'more text after the JSON value' at column 2 ($)",
                e.getMessage());
    }
}
