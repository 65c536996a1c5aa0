package io.github.prefine.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.examples.docs.DocApiNames;
import io.github.prefine.examples.docs.DocCommands;
import io.github.prefine.examples.docs.DocJavaBlocks;
import io.github.prefine.examples.docs.ProjectDocs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation guard fails on what it is there to catch: planted wrong commands, options,
 * values, classes, members, properties and Java, each beside the right one that passes.
 */
class DocGuardTest {

    private static Optional<String> line(String markdown) {
        List<DocCommands.Invocation> found = DocCommands.in(ProjectDocs.Doc.of("planted.md", markdown));
        assertEquals(1, found.size(), "command lines found in: " + markdown);
        return DocCommandCheck.problem(found.get(0));
    }

    private static String bash(String line) {
        return "```bash\n" + line + "\n```\n";
    }

    @Test
    void rejectsAnUnknownCommand() {
        assertTrue(line(bash("java -jar examples/target/prefine.jar benchmark --part FULL")).isPresent());
    }

    @Test
    void rejectsAnOptionTheCommandDoesNotTake() {
        assertTrue(line(bash("java -jar examples/target/prefine.jar bench --parts FULL")).orElseThrow().contains("--parts"));
        // --workers belongs to demo and reproduce, not to bench
        assertTrue(line(bash("java -jar prefine.jar bench --workers 2")).isPresent());
        assertTrue(line(bash("java -jar prefine.jar bench --part FULL --steps 3")).isEmpty());
    }

    @Test
    void rejectsValuesTheParsersRefuse() {
        assertTrue(line(bash("java -jar prefine.jar bench --part FUL")).orElseThrow().contains("FUL"));
        assertTrue(line(bash("java -jar prefine.jar demo --precision bf17-mixed")).orElseThrow().contains("bf17-mixed"));
        assertTrue(line(bash("java -jar prefine.jar reproduce --device gpu1")).orElseThrow().contains("--device"));
        assertTrue(line(bash("java -jar prefine.jar reproduce --groups SL,NER")).orElseThrow().contains("NER"));
        assertTrue(line(bash("java -jar prefine.jar recommend --method all")).isPresent());
        assertTrue(line(bash("java -jar prefine.jar eval --format conl x.conll")).orElseThrow().contains("conl"));
        assertTrue(line(bash("java -jar prefine.jar eval --format cls --dataset d.json p.jsonl")).isPresent());
        assertTrue(line(bash("java -jar prefine.jar data fetch --tasks rte,sqad")).orElseThrow().contains("sqad"));
        assertTrue(line(bash("java -jar prefine.jar bench --steps 0")).orElseThrow().contains("--steps"));
        assertTrue(line(bash("java -jar prefine.jar demo --precision bf16-mixed --device gpu:1 --workers 4")).isEmpty());
        assertTrue(line(bash("java -jar prefine.jar eval --format squad --dataset d.json p.json")).isEmpty());
    }

    @Test
    void checksMainClassesAndSparkSubmit() {
        assertTrue(line(bash("java -cp 'x.jar:lib/*' io.github.prefine.examples.bench.ReadHeep rte f.tsv")).orElseThrow()
                .contains("ReadHeep"));
        assertTrue(line(bash("java -cp 'x.jar:lib/*' io.github.prefine.examples.bench.ReadHeap NER f.tsv")).isPresent());
        assertTrue(line(bash("java -cp 'x.jar:lib/*' io.github.prefine.examples.bench.TextEmbBench --row 10")).isPresent());
        assertTrue(line(bash("java -cp 'x.jar:lib/*' io.github.prefine.examples.QuickStart --seed 1")).isPresent());
        String submit = "spark-submit --class io.github.prefine.examples.spark.SparkGrid --jars a.jar prefine.jar \\\n  ";
        assertTrue(line(bash(submit + "reproduce --workers 2 --out o")).orElseThrow().contains("--workers"));
        assertTrue(line(bash(submit + "reproduce --precision fp8 --out o")).orElseThrow().contains("fp8"));
        assertTrue(line(bash(submit + "reproduce --precision auto --out hdfs:///run")).isEmpty());
    }

    @Test
    void appliesThePlaceholderConvention() {
        assertTrue(line("`prefine bench --part DATA --data <root> [--task a,b] [--tokenizer tokenizer.json]`").isEmpty());
        assertTrue(line("`prefine bench --part DATA --data <root> [--tasks a,b]`").isPresent());
        assertTrue(line(bash("java -jar prefine.jar reproduce --data data ...")).isEmpty());
        assertTrue(line(bash("java -jar prefine.jar eval --format squad ...")).isEmpty());
        assertTrue(line("<!-- docguard: prefine-args -->\n" + bash("bench (the line above) --tasks 29"))
                .isEmpty());
        assertTrue(line("<!-- docguard: prefine-args -->\n" + bash("bench (the line above) --tasks 29 --padd"))
                .isPresent());
        assertTrue(DocCommands.in(ProjectDocs.Doc.of("planted.md", "<!-- docguard: illustrative a sketch -->\n"
                + bash("java -jar prefine.jar bench --parts FULL"))).isEmpty());
        assertTrue(DocCommands.in(ProjectDocs.Doc.of("planted.md", "```text\nprefine data fetch: rte: failed\n```\n"))
                .isEmpty());
    }

    @Test
    void checksOptionsNamedInProse() {
        for (String real : List.of("--report-split test", "--out/run.json", "--seeds N", "--data DIR", "--lr-selection per-seed",
                "--precision fp32|fp16-mixed|bf16-mixed|auto", "--scheme IOB2|IOBES|BILOU", "--claim-timeout",
                "--conf spark.prefine.mirror=always")) {
            assertEquals(Optional.empty(), DocCommandCheck.mentionProblem("planted.md:1", real), real);
        }
        for (String planted : List.of("--report-splits test", "--report-split tset", "--precision fp32|bf17-mixed",
                "--outs/run.json", "--seeds many")) {
            assertTrue(DocCommandCheck.mentionProblem("planted.md:1", planted).isPresent(), planted);
        }
        assertTrue(line("as `bench --part DATTA` does").isPresent());
        assertTrue(line("as `eval --json FILE` does").isEmpty());
    }

    @Test
    void rejectsJavaThatDoesNotCompile(@TempDir Path out) {
        String good = "```java\nList<String> names = List.of(\"a\");\n```\n";
        String bad = "```java\nEncoderCheckpoint.saveAll(null, null, null);\n```\n";
        String context = "<!-- docguard: java-context\nimport io.github.prefine.core.encoder.*;\nclass DocBlock {\n"
                + "void block() throws Exception {\n{block}\n}\n}\n-->\n";
        String fragment = "<!-- docguard: fragment a sketch -->\n" + bad;
        List<ProjectDocs.Block> blocks = DocJavaBlocks.compiled(List.of(ProjectDocs.Doc.of("planted.md",
                good + "\n" + context + bad + "\n" + fragment)));
        assertEquals(2, blocks.size(), "the fragment is not compiled");
        List<String> errors = DocJavaBlocks.errors(blocks.stream().map(DocJavaBlocks::unit).toList(), out);
        assertEquals(1, errors.size(), String.join("\n", errors));
        assertTrue(errors.get(0).startsWith("planted.md:14: ") && errors.get(0).contains("saveAll"), errors.get(0));
    }

    @Test
    void rejectsNamesThatDoNotExist() {
        DocApiNames names = DocApiNames.of(ProjectDocs.root());
        for (String real : List.of("EncoderCheckpoint.save", "TaskEmbedder.Builder.optThreads", "TaskFormat.TOKEN",
                "FitResult.skippedSteps()", "-Dprefine.attention=explicit", "spark.prefine.lease.expiry", "core.kernels",
                "io.github.prefine.core.train.MallocSettings", "io.github.prefine.examples.data.parquet", "HotpotQA",
                "Engine.setRandomSeed", "RealDataLearningTest", "optWarmupRatio", "optPrecision(Precision)")) {
            assertEquals(Optional.empty(), names.problem(real), real);
        }
        for (String planted : List.of("EncoderCheckpoint.saveAll", "TaskEmbedder.Builder.optThread", "TaskFormat.TOKENS",
                "TaskEmbeder", "TaskEmbeder.embed", "-Dprefine.atention=explicit", "spark.prefine.lease.expire",
                "core.kernel", "io.github.prefine.core.train.MallocSetting", "io.github.prefine.core.trains",
                "optWarmupRatios")) {
            assertTrue(names.problem(planted).isPresent(), planted);
        }
    }
}
