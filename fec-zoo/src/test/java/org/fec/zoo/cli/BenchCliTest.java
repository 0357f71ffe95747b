package org.fec.zoo.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fec bench} runs end to end on a tiny size (no timing is asserted: the figures come from real runs). */
class BenchCliTest {

    @Test
    void printsThroughputAndRatiosForFecAndResNet() {
        String text = runSucceeding("bench", "--model", "fec_small", "--batch", "1", "--size", "224",
                "--warmup", "0", "--runs", "1");
        assertTrue(text.contains("fec_small") && text.contains("resnet50") && text.contains("ratio"), text);
        assertTrue(text.matches("(?s).*inference\\s+[0-9.]+ images/s\\s+training\\s+[0-9.]+ images/s.*"), text);
        assertTrue(!text.contains("warm-up 1/"), "rounds are printed only with --verbose: " + text);
    }

    @Test
    void verbosePrintsEveryRound() {
        String text = runSucceeding("bench", "--model", "fec_small", "--batch", "1", "--size", "64",
                "--warmup", "1", "--runs", "2", "--no-resnet", "--verbose");
        for (String phase : List.of("inference", "training")) {
            assertTrue(text.matches("(?s).*\n" + phase + " warm-up 1/1:  fec_small [0-9.]+ s\n"
                    + phase + " run 1/2:  fec_small [0-9.]+ s\n" + phase + " run 2/2:  fec_small [0-9.]+ s\n.*"), text);
        }
    }

    @Test
    void backbonesReportInferenceOnly() {
        String text = runSucceeding("bench", "--model", "fec_small_seg", "--batch", "1", "--size", "64",
                "--warmup", "0", "--runs", "1", "--no-resnet");
        assertTrue(text.matches("(?s).*fec_small_seg\\s+inference\\s+[0-9.]+ images/s\\s+training: none "
                + "\\(a backbone has no loss\\)\n.*"), text);
        assertTrue(!text.contains("NaN"), text);
    }

    @Test
    void modelsTakeTurnsRunByRunSoThatMachineDriftHitsBoth() {
        List<String> order = new ArrayList<>();
        double[][] seconds = Bench.timeAlternating(1, 2,
                Arrays.asList(() -> order.add("fec"), null, () -> order.add("resnet")));
        assertEquals(List.of("fec", "resnet", "fec", "resnet", "fec", "resnet"), order);
        assertEquals(2, seconds[0].length);
        assertNull(seconds[1]);
        assertEquals(2, seconds[2].length);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, FecCli.run(new String[]{"bench", "--model", "fec_small", "--batch", "zero"}));
        assertEquals(2, FecCli.run(new String[]{"bench", "--model", "fec_small", "--size", "16"}));
        assertEquals(2, FecCli.run(new String[]{"bench", "--model", "fec_small", "--size", "64"}));
        assertEquals(2, FecCli.run(new String[]{"frobnicate"}));
    }

    /** Runs the command line, asserts exit code 0 and returns what it printed. */
    private static String runSucceeding(String... args) {
        PrintStream realOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = FecCli.run(args);
        } finally {
            System.setOut(realOut);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    @Test
    void inputPipelineBenchmarkRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.fec.zoo.train.TrainerTest.tinyDataset(dir);
        String text = runSucceeding("bench-data", "--data", dir.resolve("train").toString(), "--size", "64",
                "--batch", "4");
        assertTrue(text.matches("(?s)augmentations: --aa rand-m9-mstd0.5-inc1 --reprob 0.25 .*\n"
                + "input pipeline: [0-9.]+ images/s \\(20 images, 64x64.*"), text);
    }
}
