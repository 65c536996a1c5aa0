package io.github.prefine.examples.bench;

import io.github.prefine.core.data.ConllReader;
import io.github.prefine.core.data.Leniency;
import io.github.prefine.core.data.QaExample;
import io.github.prefine.core.data.ReadResult;
import io.github.prefine.core.data.SquadReader;
import io.github.prefine.core.data.FileTagScheme;
import io.github.prefine.core.data.TokenExample;
import io.github.prefine.core.features.FeatureReport;
import io.github.prefine.core.features.QaFeaturizer;
import io.github.prefine.core.features.TokenClassificationFeaturizer;
import io.github.prefine.core.features.TokenClassificationFeatures;
import io.github.prefine.core.tokenize.SubwordTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures featurization throughput and storage: CoNLL-2003 English train (sequence labelling,
 * max length 128) and SQuAD v1.1 dev (QA, windows of 384 with stride 128).
 *
 * <p>Usage: {@code FeaturizeBench [sharedRoot] [tokenizer.json] [repeats]}; defaults {@code
 * ../shared}, the all-MiniLM-L6-v2 tokenizer (BERT uncased WordPiece) under it, and 3 timed
 * repeats after one warm-up. Prints examples per second (best repeat) and stored bytes per token
 * position. Run from the repository root after {@code mvn -B -q -o -pl examples -am package
 * -DskipTests}: {@code java -cp 'examples/target/prefine.jar:examples/target/lib/*'
 * io.github.prefine.examples.bench.FeaturizeBench ../shared}.
 */
public final class FeaturizeBench {
    /** The usage line that {@code --help} prints and a wrong argument count is refused with. */
    static final String USAGE = "usage: FeaturizeBench [sharedRoot] [tokenizer.json] [repeats]";
    private FeaturizeBench() {}

    /**
     * Checks the arguments without reading a file: at most three, the last a repeat count of at
     * least 1; the documentation's command lines are checked through it.
     *
     * @param args the arguments
     */
    static void checkArguments(String... args) {
        if (args.length > 3) {
            throw new IllegalArgumentException(USAGE + ", found "
                    + args.length + " arguments");
        }
        if (args.length == 3) {
            BenchArguments.positive("repeats", args[2]);
        }
    }

    /**
     * Runs the benchmark; a bad argument or a missing root or tokenizer ends it with exit 2 and one
     * line.
     *
     * @param args optional shared root, tokenizer path and repeat count
     * @throws Exception when a file cannot be read
     */
    public static void main(String[] args) throws Exception {
        BenchArguments.usageIfAsked(USAGE, args);
        Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("prefine.shared", "../shared"));
        Path tokPath = args.length > 1 ? Path.of(args[1]) : shared.resolve("models/all-MiniLM-L6-v2/tokenizer.json");
        BenchArguments.checkOrExit("FeaturizeBench", () -> {
            checkArguments(args);
            BenchArguments.existingDirectory("sharedRoot", shared, "the shared folder with data/sl/conll2003 and"
                    + " data/qa/squad_v1.1");
            BenchArguments.existingFile("tokenizer.json", tokPath);
        });
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        ReadResult<TokenExample> conll = ConllReader.builder()
                .optScheme(FileTagScheme.IOB1)
                .build()
                .read(shared.resolve("data/sl/conll2003/eng.train"), Leniency.STRICT);
        ReadResult<QaExample> squad = new SquadReader().read(shared.resolve("data/qa/squad_v1.1/dev-v1.1.json"), Leniency.STRICT);
        List<TokenExample> sentences = conll.examples();
        List<QaExample> questions = squad.examples();
        Set<String> tagSet = new LinkedHashSet<>();
        for (TokenExample ex : sentences) {
            tagSet.addAll(ex.tags());
        }
        List<String> tags = new ArrayList<>(tagSet);
        System.out.printf(Locale.ROOT, "tokenizer %s, %d cores%n", tokPath, Runtime.getRuntime().availableProcessors());

        try (SubwordTokenizer tok = SubwordTokenizer.builder().setTokenizerPath(tokPath).build()) {
            TokenClassificationFeaturizer sl = TokenClassificationFeaturizer.builder()
                    .setTokenizer(tok).setLabels(tags).optMaxLength(128).optName("conll2003/eng.train").build();
            QaFeaturizer qa = QaFeaturizer.builder()
                    .setTokenizer(tok).optMaxLength(384).optStride(128).optName("squad_v1.1/dev").build();

            double slBest = 0;
            FeatureReport slReport = null;
            int slBits = 0;
            for (int r = 0; r <= repeats; r++) {
                long t0 = System.nanoTime();
                TokenClassificationFeatures f = sl.featurize(sentences);
                slReport = f.report();
                slBits = f.tokens().bitsPerId();
                double rate = sentences.size() / ((System.nanoTime() - t0) / 1e9);
                if (r > 0) {
                    slBest = Math.max(slBest, rate);
                }
            }
            double qaBest = 0;
            FeatureReport qaReport = null;
            for (int r = 0; r <= repeats; r++) {
                long t0 = System.nanoTime();
                qaReport = qa.featurize(questions).report();
                double rate = questions.size() / ((System.nanoTime() - t0) / 1e9);
                if (r > 0) {
                    qaBest = Math.max(qaBest, rate);
                }
            }
            print("SL ", slReport, slBest);
            // Ids are bit-packed at the width of the largest id; XLM-R's 250,002 ids need 18 bits.
            System.out.printf(Locale.ROOT, "SL  ids take %d bits; with 18-bit ids (250k vocabulary) bytes/position would be %.3f%n",
                    slBits, slReport.bytesPerTokenPosition() + (18 - slBits) / 8.0);
            print("QA ", qaReport, qaBest);
        }
    }

    private static void print(String kind, FeatureReport r, double rate) {
        System.out.printf(Locale.ROOT,
                "%s %-22s examples %6d  features %6d  truncated %5d  skipped %d %s  token positions %9d  "
                        + "bytes/position %.3f  examples/s %.0f%n  counters %s%n",
                kind, r.name(), r.examplesRead(), r.featuresMade(), r.truncated(), r.skippedCount(), r.skipped(),
                r.tokenPositions(), r.bytesPerTokenPosition(), rate, r.counters());
    }
}
