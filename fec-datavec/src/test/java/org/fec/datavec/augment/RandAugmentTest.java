package org.fec.datavec.augment;

import org.fec.datavec.ade20k.ByteImage;
import org.fec.datavec.augment.PilAffine.Resample;
import org.fec.datavec.augment.RandAugment.Op;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each RandAugment operation against hand-computed PIL results, the m9 arguments, and config parsing. */
class RandAugmentTest {

    private static final int[] FILL = {124, 116, 104};

    /** A w x h RGB image where every pixel is (r, g, b). */
    private static ByteImage solid(int w, int h, int r, int g, int b) {
        ByteImage img = new ByteImage(w, h, 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.set(x, y, 0, r);
                img.set(x, y, 1, g);
                img.set(x, y, 2, b);
            }
        }
        return img;
    }

    /** A 1 x n image with grey values. */
    private static ByteImage greys(int... v) {
        ByteImage img = new ByteImage(v.length, 1, 3);
        for (int x = 0; x < v.length; x++) {
            for (int c = 0; c < 3; c++) {
                img.set(x, 0, c, v[x]);
            }
        }
        return img;
    }

    private static int[] channel(ByteImage img, int c) {
        int[] out = new int[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.get(i % img.width(), i / img.width(), c);
        }
        return out;
    }

    private static int[] pixel(ByteImage img, int x, int y) {
        return new int[]{img.get(x, y, 0), img.get(x, y, 1), img.get(x, y, 2)};
    }

    @Test
    void invertPosterizeSolarizeAndSolarizeAddFollowPilTables() {
        ByteImage img = greys(0, 10, 25, 26, 100, 127, 128, 200, 255);
        assertArrayEquals(new int[]{255, 245, 230, 229, 155, 128, 127, 55, 0}, channel(PilOps.invert(img), 1));
        // 1 bit kept: mask 0x80
        assertArrayEquals(new int[]{0, 0, 0, 0, 0, 0, 128, 128, 128}, channel(PilOps.posterize(img, 1), 0));
        assertArrayEquals(new int[]{0, 0, 16, 16, 96, 112, 128, 192, 240}, channel(PilOps.posterize(img, 4), 2));
        assertArrayEquals(new int[9], channel(PilOps.posterize(img, 0), 0));
        assertEquals(img, PilOps.posterize(img, 8));
        // threshold 26 (SolarizeIncreasing at m9): values >= 26 inverted
        assertArrayEquals(new int[]{0, 10, 25, 229, 155, 128, 127, 55, 0}, channel(PilOps.solarize(img, 26), 0));
        assertEquals(img, PilOps.solarize(img, 256));
        // add 99 below 128, capped at 255
        assertArrayEquals(new int[]{99, 109, 124, 125, 199, 226, 128, 200, 255},
                channel(PilOps.solarizeAdd(img, 99, 128), 0));
    }

    @Test
    void autocontrastStretchesEachBandAndTruncates() {
        ByteImage img = new ByteImage(3, 1, 3);
        int[][] px = {{50, 20, 7}, {100, 100, 7}, {150, 220, 7}};
        for (int x = 0; x < 3; x++) {
            for (int c = 0; c < 3; c++) {
                img.set(x, 0, c, px[x][c]);
            }
        }
        ByteImage out = PilOps.autocontrast(img);
        assertArrayEquals(new int[]{0, 127, 255}, channel(out, 0));   // int(100 * 2.55 - 127.5) = int(127.49..)
        assertArrayEquals(new int[]{0, 101, 255}, channel(out, 1));   // int(80 * 1.275) = 101
        assertArrayEquals(new int[]{7, 7, 7}, channel(out, 2));       // one value: unchanged
    }

    @Test
    void equalizeUsesPilsStepAndCumulativeCounts() {
        // Red: 1020 x 10, 510 x 20, 510 x 30 -> step = (2040 - 510) // 255 = 6, lut[v] = (3 + count below v) // 6
        ByteImage img = new ByteImage(40, 51, 3);
        for (int i = 0; i < 2040; i++) {
            int v = i < 1020 ? 10 : i < 1530 ? 20 : 30;
            img.set(i % 40, i / 40, 0, v);
            img.set(i % 40, i / 40, 1, 7);
            img.set(i % 40, i / 40, 2, i < 2000 ? 0 : 255);
        }
        ByteImage out = PilOps.equalize(img);
        assertEquals(0, out.get(0, 0, 0));
        assertEquals(170, out.get(0, 1020 / 40 + 1, 0));     // 1023 // 6
        assertEquals(255, out.get(39, 50, 0));                // 1533 // 6
        assertEquals(7, out.get(5, 5, 1));                    // a single value: unchanged
        // blue: 2000 x 0, 40 x 255 -> step = 2000 // 255 = 7, lut[0] = 3 // 7 = 0, lut[255] = 2003 // 7 -> 255
        assertEquals(0, out.get(0, 0, 2));
        assertEquals(255, out.get(39, 50, 2));
    }

    @Test
    void enhanceBlendsWithPilsDegenerateImagesAndTruncation() {
        ByteImage grey100 = solid(2, 2, 100, 100, 100);
        // float32(1.81) * 100 = 181.0 after float rounding; 0.19 * 100 -> 19
        assertEquals(181, PilEnhance.brightness(grey100, 1.81).get(0, 0, 0));
        assertEquals(19, PilEnhance.brightness(grey100, 0.19).get(1, 1, 2));
        assertEquals(255, PilEnhance.brightness(solid(1, 1, 200, 0, 0), 1.81).get(0, 0, 0));

        // red: L = (255 * 19595 + 32768) >> 16 = 76
        ByteImage red = solid(1, 1, 255, 0, 0);
        assertArrayEquals(new int[]{76, 76, 76}, pixel(PilEnhance.color(red, 0), 0, 0));
        assertArrayEquals(new int[]{165, 38, 38}, pixel(PilEnhance.color(red, 0.5), 0, 0));   // 165.5 truncated
        assertArrayEquals(new int[]{255, 0, 0}, pixel(PilEnhance.color(red, 1.5), 0, 0));     // clipped

        // mean L of (10, 21) = 15.5 -> int(16.0) = 16; 16 + 0.5 (21 - 16) = 18.5 -> 18
        ByteImage two = greys(10, 21);
        assertArrayEquals(new int[]{13, 18}, channel(PilEnhance.contrast(two, 0.5), 0));
        assertArrayEquals(new int[]{16, 16}, channel(PilEnhance.contrast(two, 0), 1));

        // SMOOTH: centre 130 with black neighbours -> 650 / 13 + 0.5 = 50.5 -> 50; border copied
        ByteImage dot = solid(3, 3, 0, 0, 0);
        dot.set(1, 1, 0, 130);
        assertEquals(50, PilEnhance.sharpness(dot, 0).get(1, 1, 0));
        assertEquals(0, PilEnhance.sharpness(dot, 0).get(0, 0, 0));
        assertEquals(210, PilEnhance.sharpness(dot, 2).get(1, 1, 0));   // 50 + 2 (130 - 50)
        // rounding, not truncation: eight ones around a zero -> 8/13 + 0.5 -> 1
        ByteImage ring = solid(3, 3, 1, 1, 1);
        ring.set(1, 1, 0, 0);
        assertEquals(1, PilEnhance.sharpness(ring, 0).get(1, 1, 0));
    }

    @Test
    void rotateUsesPilsInverseMatrixAboutTheCentre() {
        ByteImage img = solid(5, 5, 0, 0, 0);
        img.set(4, 0, 0, 200);   // top-right corner
        for (Resample r : Resample.values()) {
            ByteImage out = PilAffine.rotate(img, 90, r, FILL);
            // counter-clockwise: output (x, y) samples input (4 - y, x), so the top-right corner goes top-left
            assertEquals(200, out.get(0, 0, 0), r.toString());
            assertEquals(0, out.get(4, 0, 0), r.toString());
        }
        ByteImage flat = solid(32, 32, 60, 60, 60);
        ByteImage rotated = PilAffine.rotate(flat, 27, Resample.BILINEAR, FILL);
        assertArrayEquals(FILL, pixel(rotated, 0, 0), "a corner maps outside the input: fill colour");
        assertArrayEquals(new int[]{60, 60, 60}, pixel(rotated, 16, 16));
        assertEquals(flat, PilAffine.rotate(flat, 0, Resample.BICUBIC, FILL));
    }

    @Test
    void shearAndTranslateActAboutTheOriginWithPilsSampler() {
        ByteImage img = solid(10, 4, 0, 0, 0);
        img.set(5, 0, 0, 200);
        img.set(5, 2, 0, 200);
        ByteImage out = PilAffine.shearX(img, 0.4, Resample.BILINEAR, FILL);
        // row 2: x_in = x + 0.5 + 0.4 * 2.5 -> exactly one pixel to the right
        assertEquals(200, out.get(4, 2, 0));
        assertEquals(0, out.get(5, 2, 0));
        // row 0: shift 0.2 -> lerp with dx = 0.2000000000000002: 40.00000000000004 -> 40, 159.99999999999997 -> 159
        assertEquals(40, out.get(4, 0, 0));
        assertEquals(159, out.get(5, 0, 0));
        // the last column of row 2 samples x_in = 10.5 >= W: fill
        assertArrayEquals(FILL, pixel(out, 9, 2));

        ByteImage marked = solid(8, 8, 0, 0, 0);
        marked.set(5, 3, 1, 250);
        ByteImage left = PilAffine.translateXRel(marked, 0.25, Resample.BICUBIC, FILL);   // 2 pixels
        assertEquals(250, left.get(3, 3, 1));
        assertArrayEquals(FILL, pixel(left, 6, 0));
        assertArrayEquals(new int[]{0, 0, 0}, pixel(left, 5, 0));
        ByteImage up = PilAffine.translateYRel(marked, -0.25, Resample.BILINEAR, FILL);   // 2 pixels down
        assertEquals(250, up.get(5, 5, 1));
        assertArrayEquals(FILL, pixel(up, 0, 1));
        ByteImage sheared = PilAffine.shearY(marked, 0.4, Resample.BILINEAR, FILL);
        // column 2: y_in = y + 0.5 + 0.4 * 2.5 -> one row down in the input
        marked.set(2, 4, 0, 90);
        assertEquals(90, PilAffine.shearY(marked, 0.4, Resample.BILINEAR, FILL).get(2, 3, 0));
        assertEquals(0, sheared.get(2, 3, 0));
    }

    @Test
    void magnitudeNineGivesTimmsArguments() {
        assertEquals(27.0, Op.ROTATE.argument(9, false), 1e-12);
        assertEquals(-27.0, Op.ROTATE.argument(9, true), 1e-12);
        assertEquals(1, Op.POSTERIZE_INCREASING.argument(9, false));   // 4 - int(3.6)
        assertEquals(0, Op.POSTERIZE_INCREASING.argument(10, false));
        assertEquals(4, Op.POSTERIZE_INCREASING.argument(0, false));
        assertEquals(26, Op.SOLARIZE_INCREASING.argument(9, false));   // 256 - int(230.4)
        assertEquals(256, Op.SOLARIZE_INCREASING.argument(0, false));
        assertEquals(99, Op.SOLARIZE_ADD.argument(9, false));
        assertEquals(1.81, Op.COLOR_INCREASING.argument(9, false), 1e-12);
        assertEquals(0.19, Op.SHARPNESS_INCREASING.argument(9, true), 1e-12);
        assertEquals(0.27, Op.SHEAR_X.argument(9, false), 1e-12);
        assertEquals(-0.405, Op.TRANSLATE_Y_REL.argument(9, true), 1e-12);
        assertEquals(1.72, Op.CONTRAST.argument(9, false), 1e-12);        // non-increasing: m/10 * 1.8 + 0.1
        assertEquals(3, Op.POSTERIZE.argument(9, false));
        assertTrue(Double.isNaN(Op.EQUALIZE.argument(9, false)));
    }

    @Test
    void parsesTimmConfigStrings() {
        RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", new double[]{0.485, 0.456, 0.406});
        assertEquals(RandAugment.RAND_INCREASING_TRANSFORMS, ra.ops());
        assertEquals(15, ra.ops().size());
        assertEquals(2, ra.layers());
        assertEquals(9, ra.magnitude());
        assertEquals(0.5, ra.magnitudeStd());
        assertEquals(10, ra.magnitudeMax());
        assertArrayEquals(FILL, ra.fill());

        RandAugment plain = RandAugment.parse("rand-n3-m5", new double[]{0.5, 0.5, 0.5});
        assertEquals(RandAugment.RAND_TRANSFORMS, plain.ops());
        assertEquals(3, plain.layers());
        assertEquals(5, plain.magnitude());
        assertEquals(0, plain.magnitudeStd());
        assertArrayEquals(new int[]{128, 128, 128}, plain.fill());   // round(127.5) half to even
        assertTrue(Double.isInfinite(RandAugment.parse("rand-mstd101", FILL_MEAN).magnitudeStd()));
        assertEquals(15, RandAugment.parse("rand-m9-mmax15", FILL_MEAN).magnitudeMax());
        assertEquals(RandAugment.RAND_TRANSFORMS, RandAugment.parse("rand-m9-inc0", FILL_MEAN).ops());

        for (String bad : new String[]{"v0", "rand-m9-x3", "rand-mfoo", "rand-w0", "rand-m9.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RandAugment.parse(bad, FILL_MEAN), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    private static final double[] FILL_MEAN = {0.485, 0.456, 0.406};

    @Test
    void magnitudeNoiseIsClippedAndCentred() {
        RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", FILL_MEAN);
        SplittableRandom rnd = new SplittableRandom(3);
        double sum = 0, sq = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double m = ra.sampleMagnitude(rnd);
            assertTrue(m >= 0 && m <= 10, "magnitude " + m);
            sum += m;
            sq += m * m;
        }
        double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        assertEquals(9.0, mean, 0.02);   // clipping at 10 lowers the mean by about 0.004
        assertEquals(0.49, std, 0.02);
        RandAugment fixed = RandAugment.parse("rand-m9", FILL_MEAN);
        assertEquals(9.0, fixed.sampleMagnitude(rnd));
    }

    @Test
    void appliesOpsWithProbabilityHalfAndReproducibly() {
        ByteImage img = new ByteImage(16, 16, 3);
        SplittableRandom fillRnd = new SplittableRandom(1);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (byte) fillRnd.nextInt(256);
        }
        RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", FILL_MEAN);
        assertEquals(ra.apply(img, new SplittableRandom(7)), ra.apply(img, new SplittableRandom(7)));
        // Invert changes every pixel of this image, so "unchanged" counts the calls that were skipped
        RandAugment invertOnly = new RandAugment(java.util.List.of(Op.INVERT), 1, 9, 0, 10, 0.5, FILL);
        SplittableRandom rnd = new SplittableRandom(11);
        int unchanged = 0, n = 2000;
        for (int i = 0; i < n; i++) {
            if (invertOnly.apply(img, rnd).equals(img)) {
                unchanged++;
            }
        }
        assertEquals(0.5, unchanged / (double) n, 0.04);
        assertNotEquals(img, PilOps.invert(img));
    }
}
