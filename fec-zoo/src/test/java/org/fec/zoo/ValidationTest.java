package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.cli.FecCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationTest {

    @Test
    void topKAndLossOfKnownProbabilities() {
        // true classes 0, 2, 1; ranks of the true class: 0, 3, 6 (of 7 classes)
        var p = Nd4j.create(new double[][]{
                {0.40, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10},
                {0.20, 0.25, 0.05, 0.30, 0.10, 0.05, 0.05},
                {0.15, 0.01, 0.14, 0.20, 0.20, 0.15, 0.15}});
        Validation.Metrics m = Validation.of(p, Validation.oneHot(new int[]{0, 2, 1}, 7));
        assertEquals(3, m.images());
        assertEquals(1.0 / 3, m.top1(), 1e-12);
        assertEquals(2.0 / 3, m.top5(), 1e-12);
        assertEquals(-(Math.log(0.40) + Math.log(0.05) + Math.log(0.01)) / 3, m.loss(), 1e-9);
        assertEquals(1, m.classImages(0));
        assertEquals(1.0, m.classTop1(0), 1e-12);
        assertEquals(1, m.classImages(2));
        assertEquals(0.0, m.classTop1(2), 1e-12);
        assertEquals(0, m.classImages(3));
        m.add(Nd4j.create(new double[][]{{0.1, 0.1, 0.5, 0.1, 0.1, 0.05, 0.05}}), Validation.oneHot(new int[]{2}, 7));
        assertEquals(2, m.classImages(2));
        assertEquals(1, m.classCorrect(2));
        assertEquals(0.5, m.classTop1(2), 1e-12);
    }

    @Test
    void validateCommandRunsOnAFolder(@TempDir Path dir) throws Exception {
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                BufferedImage img = new BufferedImage(80, 64, BufferedImage.TYPE_INT_RGB);
                img.setRGB(5, 5, 0xff0000 >> (8 * c));
                Path f = dir.resolve("data/" + (c == 0 ? "n01440764" : "class1") + "/img" + i + ".png");
                Files.createDirectories(f.getParent());
                ImageIO.write(img, "png", f.toFile());
            }
        }
        Files.write(dir.resolve("data/class1/bad.png"), new byte[]{9, 9, 9});
        ComputationGraph model = FecSmall.builder().numClasses(2).inputShape(new int[]{3, 64, 64}).build().init();
        Path zip = dir.resolve("m.zip");
        ModelSerializer.writeModel(model, zip.toFile(), false);
        PrintStream realOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = FecCli.run(new String[]{"validate", "--model", "fec_small", "--checkpoint", zip.toString(),
                    "--data", dir.resolve("data").toString(), "--batch", "4", "--size", "64", "--per-class"});
        } finally {
            System.setOut(realOut);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("(6 images)") && text.contains("1 unreadable images skipped"), text);
        assertTrue(text.matches("(?s).*top1 [01]\\.\\d{4}  top5 1\\.0000.*"), text);
        assertTrue(text.contains("per-class top-1, worst first:"), text);
        assertTrue(text.matches("(?s).*  [01]\\.\\d{4} \\(\\d/3\\)  n01440764  tench, Tinca tinca\n.*"), text);
        assertTrue(text.matches("(?s).*  [01]\\.\\d{4} \\(\\d/3\\)  class1\n.*"), text);
    }
}
