package org.fec.datavec.augment;

import org.fec.datavec.TrainTransform;
import org.fec.datavec.ade20k.ByteImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random erasing statistics, colour jitter and the augmented training transform. */
class ErasingAndJitterTest {

    @Test
    void randomErasingTouchesAQuarterOfImagesWithBoxesInBoundsAndNormalNoise() {
        RandomErasing erasing = new RandomErasing(0.25);
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 1500, touched = 0;
        double sum = 0, sq = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            INDArray img = Nd4j.zeros(DataType.FLOAT, 1, 3, 32, 32);
            int[][] boxes = erasing.apply(img, rnd);
            if (boxes.length == 0) {
                assertEquals(0.0, img.amaxNumber().doubleValue());
                continue;
            }
            touched++;
            assertEquals(1, boxes.length);
            int top = boxes[0][0], left = boxes[0][1], h = boxes[0][2], w = boxes[0][3];
            assertTrue(h < 32 && w < 32 && top + h <= 32 && left + w <= 32, java.util.Arrays.toString(boxes[0]));
            double area = h * w / 1024.0;
            // target area in [0.02, 1/3], sides rounded
            assertTrue(area >= 0.012 && area <= 0.40, "area " + area);
            double aspect = (double) h / w;
            assertTrue(aspect > 0.2 && aspect < 5, "aspect " + aspect);
            INDArray box = img.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(top, top + h),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(left, left + w));
            double boxSq = box.mul(box).sumNumber().doubleValue();
            sum += box.sumNumber().doubleValue();
            sq += boxSq;
            count += box.length();
            assertEquals(boxSq, img.mul(img).sumNumber().doubleValue(), 1e-2, "outside the box nothing changed");
            assertEquals(box.length(), box.neq(0).castTo(DataType.INT32).sumNumber().intValue(), "every box pixel set");
        }
        assertEquals(0.25, touched / (double) n, 0.035);
        double mean = sum / count;
        assertEquals(0.0, mean, 0.02);
        assertEquals(1.0, Math.sqrt(sq / count - mean * mean), 0.02);
        assertThrows(IllegalArgumentException.class, () -> new RandomErasing(1.5));
    }

    @Test
    void colourJitterStaysWithinTheFactorRangeAndKeepsGreysGrey() {
        ByteImage grey = new ByteImage(4, 4, 3);
        java.util.Arrays.fill(grey.data(), (byte) 100);
        ColorJitter jitter = new ColorJitter(0.4);
        SplittableRandom rnd = new SplittableRandom(2);
        int changed = 0;
        for (int i = 0; i < 200; i++) {
            ByteImage out = jitter.apply(grey, rnd);
            int v = out.get(0, 0, 0);
            // contrast and saturation leave a flat grey image alone; brightness in [0.6, 1.4]
            assertTrue(v >= 59 && v <= 140, "value " + v);
            assertEquals(v, out.get(3, 3, 2));
            changed += v != 100 ? 1 : 0;
        }
        assertTrue(changed > 150);
        assertEquals(grey, new ColorJitter(0).apply(grey, rnd));
    }

    @Test
    void augmentedTrainTransformIsReproducibleAndOffMeansUnchanged(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(3);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Path f = dir.resolve("a.png");
        ImageIO.write(img, "png", f.toFile());
        double[] mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225};

        TrainTransform plain = new TrainTransform(32, 0.5, mean, std, 9);
        TrainTransform off = TrainTransform.timm(32, 0.5, mean, std, "none", 0, 0, 9);
        for (int i = 0; i < 3; i++) {
            assertEquals(plain.apply(f), off.apply(f), "all augmentations off = the plain transform");
        }
        TrainTransform a = TrainTransform.timm(32, 0.5, mean, std, "rand-m9-mstd0.5-inc1", 0.4, 0.25, 9);
        TrainTransform b = TrainTransform.timm(32, 0.5, mean, std, "rand-m9-mstd0.5-inc1", 0.4, 0.25, 9);
        boolean differs = false;
        TrainTransform again = new TrainTransform(32, 0.5, mean, std, 9);
        for (int i = 0; i < 8; i++) {
            INDArray xa = a.apply(f);
            assertArrayEquals(new long[]{1, 3, 32, 32}, xa.shape());
            assertEquals(xa, b.apply(f), "same seed, same images");
            differs |= !xa.equals(again.apply(f));
        }
        assertTrue(differs, "augmentation changes some images");
        assertNotEquals(null, TrainTransform.timm(32, 0.5, mean, std, "rand-m9-mstd0.5-inc1", 0, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> TrainTransform.timm(32, 0.5, mean, std, "rand-q9", 0, 0, 1));
    }
}
