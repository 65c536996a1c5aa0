package io.github.prefine.core.tokenize;

import java.nio.file.Path;
import java.util.List;

/**
 * Child-JVM side of {@link StrideRoomTest}: for each case, encodes 20-word texts with one call and
 * prints {@code OUTCOME refused} (and the message) when the call is refused, {@code OUTCOME fits}
 * when every row is within the maximum length, or {@code OUTCOME longer than maxLength}. Each case's
 * lines open with {@code CASE} and its arguments and close with {@code END}. A native panic aborts
 * this JVM, and with it the later cases.
 */
public final class StrideRoomProbe {
    private StrideRoomProbe() {}

    /**
     * Runs the cases in order.
     *
     * @param args five for each case: file, call, truncation, maxLength, stride
     * @throws Exception when a tokenizer cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 5 <= args.length; i += 5) {
            List<String> c = List.of(args).subList(i, i + 5);
            System.out.println("CASE " + String.join(" ", c));
            System.out.flush();
            run(c.get(0), c.get(1), c.get(2), Integer.parseInt(c.get(3)), Integer.parseInt(c.get(4)));
            System.out.println("END");
            System.out.flush();
        }
    }

    private static void run(String file, String call, String truncation, int maxLength, int stride) throws Exception {
        String word = file.contains("xlm-roberta") ? "loan" : "a";
        String text = (word + " ").repeat(20).trim();
        List<String> words = List.of(text.split(" "));
        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(Path.of(file))
                .optTruncation(Truncation.valueOf(truncation)).optMaxLength(maxLength).optStride(stride).build()) {
            List<Integer> lengths;
            try {
                lengths = switch (call) {
                    case "single" -> List.of(tok.encode(text).ids().length);
                    case "batch" -> tok.encodeBatch(List.of("x", text)).stream().map(e -> e.ids().length).toList();
                    case "words" -> List.of(tok.encodeWords(words).ids().length);
                    case "idrows" -> rows(tok.encodeIdRows(List.of(text), null));
                    case "pair" -> List.of(tok.encodePair(text, text).ids().length);
                    case "pairbatch" -> tok.encodePairBatch(List.of("x", text), List.of("y", text)).stream()
                            .map(e -> e.ids().length).toList();
                    case "pairidrows" -> rows(tok.encodeIdRows(List.of(text), List.of(text)));
                    default -> throw new IllegalArgumentException("unknown call " + call);
                };
            } catch (IllegalArgumentException refused) {
                System.out.println("OUTCOME refused: " + refused.getMessage());
                return;
            }
            System.out.println("lengths " + lengths);
            System.out.println(lengths.stream().anyMatch(n -> n > maxLength) ? "OUTCOME longer than maxLength " + maxLength
                    : "OUTCOME fits");
        }
    }

    private static List<Integer> rows(IdRows rows) {
        return java.util.stream.IntStream.range(0, rows.rowCount()).mapToObj(rows::length).toList();
    }
}
