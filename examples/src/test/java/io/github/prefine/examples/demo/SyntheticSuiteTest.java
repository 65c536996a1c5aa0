package io.github.prefine.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Example;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.TextExample;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.core.tokenize.TokenEncoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's synthetic suite: deterministic, well-formed, fully covered by its tokenizer. */
class SyntheticSuiteTest {
    private static final SyntheticSuite.Sizes SMALL = new SyntheticSuite.Sizes(40, 8, 8, 8);

    @Test
    void sameSeedGivesTheSameSuiteAndAnotherSeedDoesNot() {
        List<SyntheticSuite.SyntheticTask> a = SyntheticSuite.generate(7, SMALL).tasks();
        assertEquals(a, SyntheticSuite.generate(7, SMALL).tasks());
        assertFalse(a.equals(SyntheticSuite.generate(8, SMALL).tasks()));
    }

    @Test
    void everyGroupHasPreFinetuningTasksAndTargets() {
        SyntheticTaskSet set = SyntheticTaskSet.of(SyntheticSuite.generate(7, SMALL));
        for (String g : List.of("SL", "C", "QA")) {
            assertTrue(set.prefinetuning().stream().anyMatch(t -> t.group().name().equals(g)), g);
            assertTrue(set.targets().stream().filter(t -> t.group().name().equals(g)).count() >= 2, g);
        }
    }

    @Test
    void answersSitInTheirContextsAfterTheRelationAndTagsAreBio() {
        for (SyntheticSuite.SyntheticTask t : SyntheticSuite.generate(7, SMALL).tasks()) {
            for (Example e : t.train()) {
                if (e instanceof QaExample q) {
                    var a = q.answers().get(0);
                    assertEquals(a.text(), q.context().substring(a.start(), a.start() + a.text().length()), q.id());
                    // the answer follows a relation phrase whose subject the question names
                    String before = q.context().substring(0, a.start());
                    assertTrue(before.endsWith(" born in ") || before.endsWith(" founded by "), q.id());
                    String[] words = before.trim().split(" ");
                    assertTrue(q.question().contains(" " + words[words.length - 4] + " "), q.id());
                } else if (e instanceof TokenExample s) {
                    assertEquals(s.tokens().size(), s.tags().size());
                    assertTrue(t.labels().containsAll(s.tags()), s.id());
                } else if (e instanceof TextExample c) {
                    assertTrue(t.labels().contains(c.label()), c.id());
                }
            }
        }
    }

    @Test
    void theWordLevelTokenizerKnowsEveryWord(@TempDir Path dir) throws Exception {
        SyntheticSuite suite = SyntheticSuite.generate(7, SMALL);
        Path file = dir.resolve("tokenizer.json");
        suite.writeTokenizerJson(file);
        List<String> texts = new ArrayList<>();
        for (SyntheticSuite.SyntheticTask t : suite.tasks()) {
            for (Example e : t.train()) {
                if (e instanceof QaExample q) {
                    texts.add(q.question() + " " + q.context());
                } else if (e instanceof TokenExample s) {
                    texts.add(String.join(" ", s.tokens()));
                } else if (e instanceof TextExample c) {
                    texts.add(c.textA() + (c.textB() == null ? "" : " " + c.textB()));
                }
            }
        }
        int unk = suite.vocabulary().indexOf("[UNK]");
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build()) {
            for (String text : texts) {
                TokenEncoding enc = tok.encode(text);
                for (int id : enc.ids()) {
                    assertTrue(id != unk, text);
                }
                assertEquals(text.split(" ").length + 2, enc.ids().length, text);
            }
        }
    }
}
