package org.fec.zoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.cli.FecCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training end to end on a tiny synthetic folder: checkpoints, kill and resume, dashboard, validate agreement. */
public class TrainerTest {

    /** Two classes: a bright square in the top-left or in the bottom-right corner. */
    public static Path tinyDataset(Path dir) throws IOException {
        for (String split : new String[]{"train", "val"}) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < (split.equals("train") ? 12 : 4); i++) {
                    BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = img.createGraphics();
                    g.setColor(new Color(20 + 5 * i, 20, 20));
                    g.fillRect(0, 0, 40, 40);
                    g.setColor(Color.WHITE);
                    g.fillRect(c == 0 ? 2 : 22, c == 0 ? 2 : 22, 16, 16);
                    g.dispose();
                    Path f = dir.resolve(split + "/class" + c + "/" + i + ".png");
                    Files.createDirectories(f.getParent());
                    ImageIO.write(img, "png", f.toFile());
                }
            }
        }
        return dir;
    }

    private static TrainConfig config(Path data, Path out, int epochs) {
        TrainConfig c = new TrainConfig();
        c.model = "fec_small";
        c.data = data;
        c.output = out;
        c.epochs = epochs;
        c.batch = 8;
        c.lr = 1e-3;
        c.warmupEpochs = 1;
        c.size = 32;
        c.minScale = 0.9;
        c.workers = 2;
        c.dropPath = 0.1;
        return c;
    }

    private static Map<String, String> state(Path zip) {
        return ModelSerializer.getObjectFromFile(zip.toFile(), Trainer.STATE_KEY);
    }

    @Test
    void killedRunResumesAtTheSameEpochAndStep(@TempDir Path dir) throws Exception {
        Path data = tinyDataset(dir.resolve("data"));
        Path out = dir.resolve("run");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        // Epoch 1 completes (3 iterations), then the run "dies" during epoch 2.
        TrainConfig first = config(data, out, 3);
        first.stopAfterIterations = 4;
        new Trainer(first, quiet).run();
        Map<String, String> s1 = state(out.resolve(Trainer.LAST));
        assertEquals("1", s1.get("epoch"));
        assertEquals("3", s1.get("iteration"));
        assertTrue(Files.isRegularFile(out.resolve(Trainer.BEST)));

        TrainConfig resumed = config(data, out, 3);
        resumed.resume = true;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(resumed, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("resuming") && text.contains("at epoch 2 (iteration 3)"), text);
        assertTrue(!text.contains("epoch 1/3:"), "epoch 1 must not run again:\n" + text);
        assertEquals(9, r.iterations());
        assertEquals("3", state(out.resolve(Trainer.LAST)).get("epoch"));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no temporary files left");
        }
    }

    @Test
    void trainsWithEveryAugmentationOnAndAnOddBatch(@TempDir Path dir) throws Exception {
        Path data = tinyDataset(dir.resolve("data"));
        TrainConfig c = config(data, dir.resolve("run"), 1);
        c.batch = 7;   // 24 images: batches of 7, 7, 7 and 3
        c.autoAugment = "rand-m9-mstd0.5-inc1";
        c.reprob = 1.0;
        c.mixup = 0.8;
        c.cutmix = 1.0;
        c.mixupProb = 1.0;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(c, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertEquals(4, r.iterations());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 1/1: train loss") && !text.contains("NaN"), text);
    }

    @Test
    void labelsAreSmoothedOnceWithOrWithoutMixup() {
        org.nd4j.linalg.api.ndarray.INDArray oneHot = org.nd4j.linalg.factory.Nd4j.createFromArray(
                new float[][]{{1, 0}, {0, 1}});
        org.nd4j.linalg.dataset.DataSet plain = new org.nd4j.linalg.dataset.DataSet(
                org.nd4j.linalg.factory.Nd4j.zeros(2, 3, 4, 4), oneHot.dup());
        Trainer.prepareBatch(plain, null, 0.1, 2);
        assertEquals(0.95, plain.getLabels().getDouble(0, 0), 1e-6);
        assertEquals(0.05, plain.getLabels().getDouble(0, 1), 1e-6);
        // mixup that never mixes (prob 0) still smooths, exactly once
        org.nd4j.linalg.dataset.DataSet mixed = new org.nd4j.linalg.dataset.DataSet(
                org.nd4j.linalg.factory.Nd4j.zeros(2, 3, 4, 4), oneHot.dup());
        Trainer.prepareBatch(mixed, new org.fec.datavec.augment.Mixup(0.8, 1.0, 0.0, 0.5, 0.1, 1), 0.1, 2);
        assertEquals(plain.getLabels(), mixed.getLabels());
    }

    @Test
    void dashboardAnswersAndValidateReproducesTheReportedAccuracy(@TempDir Path dir) throws Exception {
        Path data = tinyDataset(dir.resolve("data"));
        Path out = dir.resolve("run");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TrainConfig c = config(data, out, 2);
        c.uiPort = port;
        c.statsFile = dir.resolve("stats.db");
        Trainer.Result r = new Trainer(c, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();
        try {
            HttpURLConnection http = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/train/overview")
                    .openConnection();
            assertEquals(200, http.getResponseCode());
            assertTrue(Files.size(c.statsFile) > 0);
        } finally {
            UIServer.getInstance().stop();
        }

        PrintStream realOut = System.out;
        ByteArrayOutputStream validated = new ByteArrayOutputStream();
        System.setOut(new PrintStream(validated, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, FecCli.run(new String[]{"validate", "--model", "fec_small", "--checkpoint",
                    out.resolve(Trainer.LAST).toString(), "--data", data.resolve("val").toString(), "--size", "32",
                    "--batch", "8"}));
        } finally {
            System.setOut(realOut);
        }
        assertTrue(validated.toString(StandardCharsets.UTF_8).contains(r.lastValidation().toString()),
                validated + " vs " + r.lastValidation());
    }

    @Test
    void demoCommandRunsEndToEnd(@TempDir Path dir) throws Exception {
        Path data = tinyDataset(dir.resolve("data"));
        PrintStream realOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = FecCli.run(new String[]{"demo", "--data", data.toString(), "--output",
                    dir.resolve("demo").toString(), "--epochs", "1", "--no-ui"});
        } finally {
            System.setOut(realOut);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("demo: trained fec_small") && text.contains("(8 images)"), text);
        assertTrue(Files.isRegularFile(dir.resolve("demo").resolve(Trainer.BEST)));
        assertTrue(Files.isRegularFile(dir.resolve("demo").resolve("stats.db")));
        assertTrue(Files.isRegularFile(dir.resolve("demo").resolve("clusters_overlay.png")));
    }

    @Test
    void classMismatchNamesTheFoldersReadably() {
        String msg = Trainer.classDifference(java.util.List.of("n01440764", "n02084071", "plain"),
                java.util.List.of("n02084071", "n04592741"));
        assertEquals("only in train/: n01440764 (tench, Tinca tinca), plain; only in val/: n04592741 (wing)", msg);
    }
}
