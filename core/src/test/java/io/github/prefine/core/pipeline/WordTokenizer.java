package io.github.prefine.core.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a word-level HF tokenizer.json ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, then the words); public for the other packages' tests. */
public final class WordTokenizer {
    private WordTokenizer() {}

    static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]");

    public static Path write(Path file, List<String> words) throws IOException {
        StringBuilder vocab = new StringBuilder();
        StringBuilder added = new StringBuilder();
        int id = 0;
        for (String s : SPECIALS) {
            added.append(id == 0 ? "" : ",").append("{\"id\":").append(id).append(",\"content\":\"").append(s)
                    .append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
            vocab.append(id == 0 ? "" : ",").append('"').append(s).append("\":").append(id);
            id++;
        }
        for (String w : words) {
            vocab.append(",\"").append(w).append("\":").append(id++);
        }
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added + "],"
                + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\","
                + "\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}],"
                + "\"pair\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},"
                + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":1}}],"
                + "\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]},"
                + "\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"[UNK]\"}}";
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }
}
