package io.github.prefine.core.tokenize;

import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM side of {@link StrideRoomTest}: encodes 20-word texts with one call and prints {@code
 * OUTCOME refused} (and the message) when the call is refused, {@code OUTCOME fits} when every
 * row is within the maximum length, and exits 3 on a longer row. A native panic aborts this JVM.
 */
public final class StrideRoomProbe {
    private StrideRoomProbe() {}

    /**
     * Runs one case.
     *
     * @param args file, call, truncation, maxLength, stride
     * @throws Exception when the tokenizer cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        int maxLength = Integer.parseInt(args[3]);
        String word = args[0].contains("xlm-roberta") ? "loan" : "a";
        String text = (word + " ").repeat(20).trim();
        List<String> words = List.of(text.split(" "));
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(args[0]))
                .optTruncation(Truncation.valueOf(args[2])).optMaxLength(maxLength)
                .optStride(Integer.parseInt(args[4])).build()) {
            List<Integer> lengths;
            try {
                lengths = switch (args[1]) {
                    case "single" -> List.of(tok.encode(text).ids().length);
                    case "batch" -> tok.encodeBatch(List.of("x", text)).stream().map(e -> e.ids().length).toList();
                    case "words" -> List.of(tok.encodeWords(words).ids().length);
                    case "idrows" -> rows(tok.encodeIdRows(List.of(text), null));
                    case "pair" -> List.of(tok.encodePair(text, text).ids().length);
                    case "pairbatch" -> tok.encodePairBatch(List.of("x", text), List.of("y", text)).stream()
                            .map(e -> e.ids().length).toList();
                    case "pairidrows" -> rows(tok.encodeIdRows(List.of(text), List.of(text)));
                    default -> throw new IllegalArgumentException("unknown call " + args[1]);
                };
            } catch (IllegalArgumentException refused) {
                System.out.println("OUTCOME refused: " + refused.getMessage());
                return;
            }
            System.out.println("lengths " + lengths);
            if (lengths.stream().anyMatch(n -> n > maxLength)) {
                System.out.println("OUTCOME longer than maxLength " + maxLength);
                System.exit(3);
            }
            System.out.println("OUTCOME fits");
        }
    }

    private static List<Integer> rows(IdRows rows) {
        return java.util.stream.IntStream.range(0, rows.rowCount()).mapToObj(rows::length).toList();
    }
}
