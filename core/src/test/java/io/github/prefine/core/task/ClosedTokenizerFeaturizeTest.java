package io.github.prefine.core.task;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.features.FeatureSettings;
import io.github.prefine.core.testing.SharedFixtures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A closed {@link SubwordTokenizer} is refused by {@link TaskSet#featurize}, as its Javadoc says
 * every use after close is: the featurizers derive variants with {@code toBuilder()}, which read
 * the file again and so used to work on a closed tokenizer.
 */
class ClosedTokenizerFeaturizeTest {
    @Test
    void featurizingWithAClosedTokenizerFailsNamingItsFile() throws IOException {
        Path file = SharedFixtures.require("fixtures/hf-reference/bert/tokenizer.json");
        TaskData copa = TaskCatalog.task("copa").load(SharedFixtures.require("data"), Leniency.STRICT);
        SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(file).build();
        tok.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskSet.featurize(List.of(copa), tok, FeatureSettings.paper()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("closed"), e.getMessage());
        IllegalStateException b = assertThrows(IllegalStateException.class, tok::toBuilder);
        assertTrue(b.getMessage().contains(file.toString()) && b.getMessage().contains("closed"), b.getMessage());
    }
}
