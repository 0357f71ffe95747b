package org.fec.datavec.ade20k;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegTransformsTest {

    static ByteImage uniform(int w, int h, int b, int g, int r) {
        ByteImage img = new ByteImage(w, h, 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.set(x, y, 0, b);
                img.set(x, y, 1, g);
                img.set(x, y, 2, r);
            }
        }
        return img;
    }

    static ByteImage noise(int w, int h, int channels, int maxValue, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteImage img = new ByteImage(w, h, channels);
        byte[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) r.nextInt(maxValue + 1);
        }
        return img;
    }

    static ByteImage constantLabels(int w, int h, int value) {
        ByteImage l = new ByteImage(w, h, 1);
        java.util.Arrays.fill(l.data(), (byte) value);
        return l;
    }

    @Test
    void rescaleSizeFollowsMmcv() {
        // scale factor min(max_long / long, max_short / short), sides int(x * f + 0.5)
        assertArrayEquals(new int[]{683, 512}, SegTrainTransform.rescaleSize(683, 512, 2048, 512));
        assertArrayEquals(new int[]{683, 512}, SegTrainTransform.rescaleSize(500, 375, 2048, 512));   // 682.67
        assertArrayEquals(new int[]{512, 683}, SegTrainTransform.rescaleSize(375, 500, 2048, 512));
        assertArrayEquals(new int[]{2048, 307}, SegTrainTransform.rescaleSize(2000, 300, 2048, 512)); // long edge
        assertArrayEquals(new int[]{341, 256}, SegTrainTransform.rescaleSize(640, 480, 1024, 256));   // 341.33
        assertArrayEquals(new int[]{1365, 1024}, SegTrainTransform.rescaleSize(500, 375, 4096, 1024));// 1365.83
    }

    @Test
    void trainTransformRescalesKeepingTheRatio() {
        // ratio fixed at 1, crop larger than the image: the labelled region is the rescaled image, 683 x 512
        SegTrainTransform t = new SegTrainTransform(1024, 2048, 512, 1.0, 1.0, 1.0, 0.0,
                PhotoMetricDistortion.disabled(), SegNormalization.imagenet(), 3);
        SegSample s = t.apply(uniform(683, 512, 10, 20, 30), constantLabels(683, 512, 7), 11);
        assertArrayEquals(new long[]{1, 1024, 1024}, s.label().shape());
        assertEquals(7, s.label().getDouble(0, 511, 682));
        assertEquals(255, s.label().getDouble(0, 512, 682));
        assertEquals(255, s.label().getDouble(0, 511, 683));
        // a 500 x 375 image is enlarged to the same 683 x 512
        s = t.apply(uniform(500, 375, 10, 20, 30), constantLabels(500, 375, 7), 11);
        assertEquals(7, s.label().getDouble(0, 511, 682));
        assertEquals(255, s.label().getDouble(0, 512, 682));
        assertEquals(255, s.label().getDouble(0, 511, 683));
    }

    @Test
    void trainTransformOutputsCropSizedTensorsAndPadsSmallImages() {
        SegTrainTransform reference = new SegTrainTransform(5);
        for (int i = 0; i < 3; i++) {
            SegSample s = reference.apply(noise(160, 120, 3, 255, i), noise(160, 120, 1, 3, i + 100));
            assertArrayEquals(new long[]{3, 512, 512}, s.image().shape());
            assertArrayEquals(new long[]{1, 512, 512}, s.label().shape());
            assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, s.image().dataType());
            assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, s.label().dataType());
        }

        // 100 x 60 -> fits (64, 32): factor min(64/100, 32/60) = 0.5333 -> 53 x 32, padded to 64 x 64
        SegTrainTransform t = new SegTrainTransform(64, 64, 32, 1.0, 1.0, 1.0, 0.0,
                PhotoMetricDistortion.disabled(), SegNormalization.imagenet(), 1);
        SegSample s = t.apply(uniform(100, 60, 50, 100, 200), constantLabels(100, 60, 3), 0);
        double[] rgb = {200, 100, 50};
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean inside = y < 32 && x < 53;
                assertEquals(inside ? 3 : 255, s.label().getDouble(0, y, x), "label at " + x + "," + y);
                for (int c = 0; c < 3; c++) {
                    double expected = inside
                            ? (rgb[c] - SegNormalization.IMAGENET_MEAN[c]) / SegNormalization.IMAGENET_STD[c] : 0;
                    assertEquals(expected, s.image().getDouble(c, y, x), 1e-5, "image at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void trainTransformIsReproducibleForASeed() {
        ByteImage img = noise(300, 200, 3, 255, 1);
        ByteImage labels = noise(300, 200, 1, 4, 2);
        SegTrainTransform t = new SegTrainTransform(128, 512, 128, 0.5, 2.0, 0.75, 9);
        SegSample a = t.apply(img, labels, 42), b = t.apply(img, labels, 42), c = t.apply(img, labels, 43);
        assertEquals(a.image(), b.image());
        assertEquals(a.label(), b.label());
        assertNotEquals(a.image(), c.image());
        // two transforms with the same seed give the same sequence
        SegTrainTransform t1 = new SegTrainTransform(128, 512, 128, 0.5, 2.0, 0.75, 9);
        SegTrainTransform t2 = new SegTrainTransform(128, 512, 128, 0.5, 2.0, 0.75, 9);
        for (int i = 0; i < 3; i++) {
            SegSample x = t1.apply(img, labels), y = t2.apply(img, labels);
            assertEquals(x.image(), y.image());
            assertEquals(x.label(), y.label());
        }
    }

    /** Columns 0-4 class 1, 5-14 class 2, 15-19 class 3; 10 x 10 crops at x = 3..7 hold >= 80% class 2. */
    static ByteImage stripes() {
        ByteImage l = new ByteImage(20, 10, 1);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                l.set(x, y, 0, x < 5 ? 1 : x < 15 ? 2 : 3);
            }
        }
        return l;
    }

    @Test
    void catMaxRatioRedrawsCropsDominatedByOneClass() {
        ByteImage labels = stripes();
        int rejectedWithCheck = 0, rejectedWithout = 0, n = 300;
        for (int seed = 0; seed < n; seed++) {
            int[] on = SegTrainTransform.cropOffset(labels, 10, 10, 0.75, 255, new SplittableRandom(seed));
            int[] off = SegTrainTransform.cropOffset(labels, 10, 10, 1.0, 255, new SplittableRandom(seed));
            assertEquals(0, on[1]);
            rejectedWithCheck += on[0] >= 3 && on[0] <= 7 ? 1 : 0;
            rejectedWithout += off[0] >= 3 && off[0] <= 7 ? 1 : 0;
        }
        // without the check 5 of 11 offsets are dominated; with it only 11 bad draws in a row keep one (p = 1.7e-4)
        assertTrue(rejectedWithout > n / 4, "without cat_max_ratio: " + rejectedWithout);
        assertTrue(rejectedWithCheck <= 2, "with cat_max_ratio: " + rejectedWithCheck);

        // the acceptance rule itself
        assertTrue(SegTrainTransform.acceptable(labels, 2, 0, 10, 10, 0.75, 255));    // 3 + 7 columns: 70%
        assertTrue(!SegTrainTransform.acceptable(labels, 3, 0, 10, 10, 0.75, 255));   // 80%
        assertTrue(!SegTrainTransform.acceptable(labels, 5, 0, 10, 10, 0.75, 255));   // one class only
        // ignored pixels do not count: one class plus 255 is a single class
        ByteImage withIgnore = stripes();
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 5; x++) {
                withIgnore.set(x, y, 0, 255);
            }
        }
        assertTrue(!SegTrainTransform.acceptable(withIgnore, 0, 0, 10, 10, 0.75, 255));
        assertTrue(SegTrainTransform.acceptable(withIgnore, 0, 0, 10, 10, 0.75, 254));
        // when no crop is acceptable the 11th draw is kept (no endless loop)
        int[] any = SegTrainTransform.cropOffset(constantLabels(30, 10, 1), 10, 10, 0.75, 255,
                new SplittableRandom(1));
        assertTrue(any[0] >= 0 && any[0] <= 20);
    }

    @Test
    void alignResizeFitsTheScaleThenRoundsSidesUpToMultiplesOf32() {
        SegEvalTransform t = new SegEvalTransform();
        // 500 x 375 -> 683 x 512 (mmcv rescale) -> 704 x 512
        assertArrayEquals(new int[]{704, 512}, t.outputSize(500, 375));
        assertArrayEquals(new int[]{704, 512}, t.outputSize(683, 512));
        assertArrayEquals(new int[]{512, 704}, t.outputSize(375, 500));
        assertArrayEquals(new int[]{2048, 160}, t.outputSize(4000, 300));   // long edge limits: 2048 x 154
        for (int[] wh : new int[][]{{500, 375}, {640, 427}, {300, 1000}, {2100, 512}}) {
            int[] r = SegTrainTransform.rescaleSize(wh[0], wh[1], 2048, 512);
            int[] o = t.outputSize(wh[0], wh[1]);
            assertEquals((int) Math.ceil(r[0] / 32.0) * 32, o[0]);
            assertEquals((int) Math.ceil(r[1] / 32.0) * 32, o[1]);
        }
        SegEvalTransform.Result res = t.apply(uniform(500, 375, 50, 100, 200));
        assertArrayEquals(new long[]{3, 512, 704}, res.image().shape());
        assertEquals(375, res.originalHeight());
        assertEquals(500, res.originalWidth());
        assertEquals((200 - 123.675) / 58.395, res.image().getDouble(0, 300, 600), 1e-5);
        assertEquals((50 - 103.53) / 57.375, res.image().getDouble(2, 511, 703), 1e-5);
    }

    @Test
    void photometricDistortionIsIdentityWhenSwitchedOff() {
        ByteImage img = noise(40, 30, 3, 255, 5);
        PhotoMetricDistortion off = PhotoMetricDistortion.disabled();
        for (int seed = 0; seed < 20; seed++) {
            assertEquals(img, off.apply(img, new SplittableRandom(seed)));
        }
        assertNotEquals(img, new PhotoMetricDistortion(32, 0.5, 1.5, 0.5, 1.5, 18, 1, 1, 1, 1)
                .apply(img, new SplittableRandom(1)));
    }

    @Test
    void photometricDistortionClipsAndTruncatesLikeNumpyUint8() {
        byte[] d = {(byte) 250, 5, 100, 101, (byte) 200};
        PhotoMetricDistortion.convert(d, 0, 1, 1.0, 30.7);
        assertArrayEquals(new byte[]{(byte) 255, 35, (byte) 130, (byte) 131, (byte) 230}, d);   // clipped, no wrap
        d = new byte[]{(byte) 250, 5, 100, 101, (byte) 200};
        PhotoMetricDistortion.convert(d, 0, 1, 1.5, 0);
        assertArrayEquals(new byte[]{(byte) 255, 7, (byte) 150, (byte) 151, (byte) 255}, d);     // 7.5 -> 7, 151.5 -> 151
        d = new byte[]{10, 10, 10};
        PhotoMetricDistortion.convert(d, 1, 3, 1.0, -20);
        assertArrayEquals(new byte[]{10, 0, 10}, d);                                            // stride, clip at 0

        // brightness only, always on: a uniform grey image shifts uniformly by at most 32 and stays grey
        PhotoMetricDistortion brightness = new PhotoMetricDistortion(32, 0.5, 1.5, 0.5, 1.5, 18, 1, 0, 0, 0);
        ByteImage grey = uniform(8, 8, 128, 128, 128);
        boolean changed = false;
        for (int seed = 0; seed < 10; seed++) {
            ByteImage out = brightness.apply(grey, new SplittableRandom(seed));
            int v = out.get(0, 0, 0);
            assertTrue(v >= 96 && v <= 160, "brightness " + v);
            for (int i = 0; i < out.data().length; i++) {
                assertEquals(v, out.data()[i] & 0xFF);
            }
            changed |= v != 128;
        }
        assertTrue(changed);
        // saturation and hue leave a grey image grey (S = 0)
        PhotoMetricDistortion hsv = new PhotoMetricDistortion(32, 0.5, 1.5, 0.5, 1.5, 18, 0, 0, 1, 1);
        assertEquals(grey, hsv.apply(grey, new SplittableRandom(3)));
        // ... but change a coloured one; every step with extreme ranges stays in [0, 255] by construction and
        // moves a saturated red image's hue
        ByteImage red = uniform(8, 8, 0, 0, 255);
        PhotoMetricDistortion hue = new PhotoMetricDistortion(0, 1, 1, 1, 1, 18, 0, 0, 0, 1);
        boolean hueChanged = false;
        for (int seed = 0; seed < 10; seed++) {
            hueChanged |= !hue.apply(red, new SplittableRandom(seed)).equals(red);
        }
        assertTrue(hueChanged);
    }
}
