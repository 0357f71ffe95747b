package org.fec.zoo.cli;

import org.fec.zoo.io.Npy;
import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fec predict} reproduces the golden outputs from the golden checkpoints; bad input fails cleanly. */
class PredictCliTest {

    private static double maxDiff(INDArray a, INDArray b) {
        assertEquals(java.util.Arrays.toString(b.shape()), java.util.Arrays.toString(a.shape()));
        return Nd4j.math().abs(a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
    }

    @Test
    void classifierLogitsInFloatAndDouble(@TempDir Path dir) throws Exception {
        Path ckpt = GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar");
        Path input = GoldenFiles.file("fec_small_classifier", "input.npy");
        Path out = dir.resolve("logits.npy");
        assertEquals(0, FecCli.run(new String[]{"predict", "--model", "fec_small", "--checkpoint", ckpt.toString(),
                "--input", input.toString(), "--output", out.toString()}));
        INDArray golden = Npy.read(GoldenFiles.file("fec_small_classifier", "logits.npy"));
        assertTrue(maxDiff(Npy.read(out), golden) < 1e-3);

        Path out64 = dir.resolve("logits64.npy");
        assertEquals(0, FecCli.run(new String[]{"predict", "--model", "fec_small", "--checkpoint", ckpt.toString(),
                "--input", input.toString(), "--output", out64.toString(), "--dtype", "double"}));
        INDArray ref64 = Npy.read(GoldenFiles.file("fec_small_classifier", "logits_f64ref.npy"));
        INDArray logits64 = Npy.read(out64);
        assertEquals(DataType.DOUBLE, logits64.dataType());
        assertTrue(maxDiff(logits64, ref64) < 1e-5);
    }

    @Test
    void backboneWritesFourStageOutputs(@TempDir Path dir) throws Exception {
        Path ckpt = GoldenFiles.file("fec_small_backbone", "fec_small_fork.pth");
        Path input = GoldenFiles.file("fec_small_backbone", "nonsquare_input.npy");
        String prefix = dir.resolve("feat").toString();
        assertEquals(0, FecCli.run(new String[]{"predict", "--model", "fec_small_seg", "--checkpoint",
                ckpt.toString(), "--input", input.toString(), "--output", prefix, "--dtype", "double"}));
        for (String n : new String[]{"norm0", "norm2", "norm4", "norm6"}) {
            INDArray expected = Npy.read(GoldenFiles.file("fec_small_backbone", "nonsquare_out_" + n + "_f64ref.npy"));
            assertTrue(maxDiff(Npy.read(Path.of(prefix + "_" + n + ".npy")), expected) < 1e-4, n);
        }
    }

    @Test
    void errorsGoToStderrWithNonZeroExit(@TempDir Path dir) throws Exception {
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Path bad = dir.resolve("bad.npy");
            Npy.write(bad, Nd4j.rand(DataType.FLOAT, 1, 3, 48, 48));
            Path ckpt = GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar");
            int code = FecCli.run(new String[]{"predict", "--model", "fec_small", "--checkpoint", ckpt.toString(),
                    "--input", bad.toString(), "--output", dir.resolve("o.npy").toString()});
            assertEquals(1, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("image height 48"), err.toString());
            assertFalse(Files.exists(dir.resolve("o.npy")));

            err.reset();
            assertEquals(1, FecCli.run(new String[]{"predict", "--model", "fec_small", "--checkpoint",
                    dir.resolve("missing.pth").toString(), "--input", bad.toString(), "--output", "x"}));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.pth"), err.toString());

            err.reset();
            assertEquals(2, FecCli.run(new String[]{"predict", "--model", "fec_tiny"}));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("fec_tiny"), err.toString());

            err.reset();
            // A backbone checkpoint does not fit the classifier: strict loading names the keys.
            Path fork = GoldenFiles.file("fec_small_backbone", "fec_small_fork.pth");
            assertEquals(1, FecCli.run(new String[]{"predict", "--model", "fec_small", "--checkpoint",
                    fork.toString(), "--input", bad.toString(), "--output", "x"}));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(msg.contains("head.weight") && msg.contains("norm0.weight"), msg);
        } finally {
            System.setErr(realErr);
        }
    }
}
