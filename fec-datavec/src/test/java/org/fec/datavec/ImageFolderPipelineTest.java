package org.fec.datavec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderPipelineTest {

    private static void png(Path file, int w, int h, Color c) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, c.getRGB());
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void evalTransformResizesCropsAndNormalises(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("red.png");
        png(f, 400, 300, new Color(200, 100, 50));
        INDArray x = EvalTransform.imagenetDefault().apply(f);
        assertArrayEquals(new long[]{1, 3, 224, 224}, x.shape());
        double[] rgb = {200, 100, 50}, mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225};
        for (int c = 0; c < 3; c++) {
            double expected = (rgb[c] / 255.0 - mean[c]) / std[c];
            assertEquals(expected, x.getDouble(0, c, 0, 0), 1e-4, "channel " + c + " (RGB order)");
            assertEquals(expected, x.getDouble(0, c, 223, 111), 1e-4);
        }
    }

    @Test
    void iteratorBatchesLabelsAndSkipsUnreadableImages(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 5; i++) {
            png(dir.resolve("n01/img" + i + ".png"), 64, 48, Color.BLUE);
            png(dir.resolve("n02/img" + i + ".png"), 48, 64, Color.GREEN);
        }
        Files.write(dir.resolve("n02/broken.jpg"), new byte[]{1, 2, 3, 4});
        Files.writeString(dir.resolve("n01/notes.txt"), "not an image");
        ImageFolder folder = ImageFolder.scan(dir);
        assertEquals(java.util.List.of("n01", "n02"), folder.classes());
        assertEquals(11, folder.samples().size());
        EvalTransform t = new EvalTransform(32, 0.9, new double[]{0, 0, 0}, new double[]{1, 1, 1});
        try (ImageFolderIterator it = new ImageFolderIterator(folder, t::apply, 4, 2, 2, false, 1)) {
            int total = 0, class1 = 0, batches = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                batches++;
                assertEquals(3, ds.getFeatures().size(1));
                assertEquals(32, ds.getFeatures().size(2));
                for (int i = 0; i < ds.numExamples(); i++) {
                    int label = ds.getLabels().getRow(i).argMax().getInt(0);
                    // blue images are class 0, green ones class 1 (RGB order: channel 2 vs channel 1)
                    double blue = ds.getFeatures().getDouble(i, 2, 5, 5), green = ds.getFeatures().getDouble(i, 1, 5, 5);
                    assertEquals(label == 0, blue > green);
                    class1 += label;
                }
                total += ds.numExamples();
            }
            assertEquals(10, total);
            assertEquals(5, class1);
            assertEquals(3, batches);
            assertEquals(1, it.skippedImages());
            it.reset();
            assertTrue(it.hasNext());
        }
    }

    @Test
    void badFoldersFailWithClearErrors(@TempDir Path dir) throws IOException {
        String missing = assertThrows(IOException.class, () -> ImageFolder.scan(dir.resolve("nope"))).getMessage();
        assertTrue(missing.contains("does not exist"), missing);
        String flat = assertThrows(IOException.class, () -> ImageFolder.scan(dir)).getMessage();
        assertTrue(flat.contains("no class sub-folders"), flat);
        Files.createDirectories(dir.resolve("cat"));
        String empty = assertThrows(IOException.class, () -> ImageFolder.scan(dir)).getMessage();
        assertTrue(empty.contains("no images"), empty);
    }
}
