package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.fec.datavec.ade20k.Ade20kDataset;
import org.fec.datavec.ade20k.TinyShapesDataset;
import org.fec.segmentation.eval.LabelMaps;
import org.fec.segmentation.train.SegTrainConfig;
import org.fec.segmentation.train.SegTrainer;
import org.fec.zoo.cli.FecCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole segmentation path on a tiny synthetic ADE20K-format set (shapes with label PNGs): seg-train from a
 * fresh FEC-Small backbone with the reference pipeline, interrupted and resumed, reaches at least 0.9 mIoU on its
 * own training images (measured by {@code fec seg-eval}); then seg-predict and the folder form of seg-eval.
 */
class SegTrainEndToEndTest {

    static final int ITERATIONS = 240;

    @Test
    void tinyShapesTrainResumeEvaluatePredict(@TempDir Path dir) throws Exception {
        Path data = TinyShapesDataset.write(dir.resolve("data"), 32, 8, 128, 1L);
        Path out = dir.resolve("run");
        SegTrainConfig c = new SegTrainConfig();
        c.data = data;
        c.output = out;
        c.numClasses = TinyShapesDataset.NUM_CLASSES;
        c.iterations = ITERATIONS;
        c.batch = 8;
        c.crop = 64;
        c.scaleLong = 256;
        c.scaleShort = 128;
        c.lr = 2e-3;
        c.evalInterval = 0;
        c.checkpointInterval = 40;
        c.workers = 2;
        c.stopAfterIterations = 50;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SegTrainer.Result first = new SegTrainer(c, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertEquals(50, first.iterations());
        assertTrue(Files.isRegularFile(out.resolve(SegTrainer.LAST)), "checkpoint written at iteration 40");

        c.stopAfterIterations = 0;
        c.resume = true;
        SegTrainer.Result resumed = new SegTrainer(c, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("resuming") && text.contains("at iteration 40"), text);
        assertEquals(ITERATIONS, resumed.iterations());
        assertTrue(resumed.lastEvaluation() != null, "evaluated at the end");

        Path model = out.resolve(SegTrainer.LAST);
        String eval = run("seg-eval", "--model", "fec_small_seg", "--checkpoint", model.toString(), "--data",
                data.toString(), "--split", "training", "--scale", "256x128");
        Matcher m = Pattern.compile("mIoU: ([0-9.]+)").matcher(eval);
        assertTrue(m.find(), eval);
        double miou = Double.parseDouble(m.group(1));
        assertTrue(miou >= 90.0, "mIoU on the training images " + miou + " < 90\n" + eval);

        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(data, Ade20kDataset.TRAINING);
        Path image = samples.get(0).image();
        String prefix = dir.resolve("pred").toString();
        run("seg-predict", "--model", "fec_small_seg", "--checkpoint", model.toString(), "--image", image.toString(),
                "--output", prefix, "--scale", "256x128");
        BufferedImage overlay = ImageIO.read(Path.of(prefix + "_overlay.png").toFile());
        assertEquals(128, overlay.getWidth());
        assertTrue(Files.isRegularFile(Path.of(prefix + "_labels.png")));

        // Folder form: the predicted class map against the raw label map (reduce_zero_label: raw k is class k-1).
        Path predDir = Files.createDirectories(dir.resolve("preds"));
        Path gtDir = Files.createDirectories(dir.resolve("gts"));
        String base = samples.get(0).label().getFileName().toString();
        Files.copy(Path.of(prefix + "_classes.png"), predDir.resolve(base));
        Files.copy(samples.get(0).label(), gtDir.resolve(base));
        assertTrue(LabelMaps.read(predDir.resolve(base)).values().length == 128 * 128);
        String folders = run("seg-eval", "--pred", predDir.toString(), "--gt", gtDir.toString(), "--num-classes", "4",
                "--reduce-zero-label");
        Matcher f = Pattern.compile("mIoU: ([0-9.]+)").matcher(folders);
        assertTrue(f.find() && Double.parseDouble(f.group(1)) >= 80.0, folders);
    }

    /** Runs a CLI command, asserts success and returns its standard output. */
    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = FecCli.run(args);
        } finally {
            System.setOut(old);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", args) + "\n" + text);
        return text;
    }
}
