package org.fec.datavec.augment;

import org.bytedeco.opencv.opencv_core.Mat;
import org.fec.datavec.ade20k.ByteImage;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_imgproc.calcHist;

/**
 * PIL's {@code ImageOps} point operations on an 8-bit RGB image, as timm's RandAugment calls them: invert,
 * posterize, solarize, timm's solarize-add, autocontrast and equalize. Each builds PIL's 256-entry table per band
 * (from the band histograms where PIL does) and applies it with OpenCV's {@code LUT}; every method returns a new
 * image.
 */
public final class PilOps {

    private PilOps() {
    }

    /** {@code ImageOps.invert}: 255 - v. */
    public static ByteImage invert(ByteImage img) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = 255 - i;
        }
        return apply(img, lut, lut, lut);
    }

    /** {@code ImageOps.posterize}: keeps the {@code bits} most significant bits (0 gives black); 8 or more is a copy. */
    public static ByteImage posterize(ByteImage img, int bits) {
        if (bits >= 8) {
            return img.copy();
        }
        if (bits < 0) {
            throw new IllegalArgumentException("Posterize bits must be >= 0, got " + bits);
        }
        int mask = ~((1 << (8 - bits)) - 1);
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i & mask & 0xFF;
        }
        return apply(img, lut, lut, lut);
    }

    /** {@code ImageOps.solarize}: values at or above {@code threshold} are inverted (256 leaves the image as is). */
    public static ByteImage solarize(ByteImage img, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? i : 255 - i;
        }
        return apply(img, lut, lut, lut);
    }

    /** timm's {@code solarize_add}: values below {@code threshold} get {@code add} added, capped at 255. */
    public static ByteImage solarizeAdd(ByteImage img, int add, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? Math.min(255, i + add) : i;
        }
        return apply(img, lut, lut, lut);
    }

    /**
     * {@code ImageOps.autocontrast} (no cutoff): per band, the lowest and highest values present are stretched to
     * 0 and 255, {@code int(v * scale + offset)} clipped; a band with one value is left as is.
     */
    public static ByteImage autocontrast(ByteImage img) {
        long[][] hist = histograms(img);
        int[][] luts = new int[3][256];
        for (int b = 0; b < 3; b++) {
            long[] h = hist[b];
            int lo = 0;
            while (lo < 256 && h[lo] == 0) {
                lo++;
            }
            int hi = 255;
            while (hi >= 0 && h[hi] == 0) {
                hi--;
            }
            for (int i = 0; i < 256; i++) {
                if (hi <= lo) {
                    luts[b][i] = i;
                } else {
                    double scale = 255.0 / (hi - lo);
                    double offset = -lo * scale;
                    luts[b][i] = clip((int) (i * scale + offset));
                }
            }
        }
        return apply(img, luts[0], luts[1], luts[2]);
    }

    /**
     * {@code ImageOps.equalize}: per band, {@code step = (count - count of the highest value present) // 255} and
     * {@code lut[i] = (step // 2 + count below i) // step}; a band with one value, or step 0, is left as is.
     */
    public static ByteImage equalize(ByteImage img) {
        long[][] hist = histograms(img);
        int[][] luts = new int[3][256];
        for (int b = 0; b < 3; b++) {
            long[] h = hist[b];
            long total = 0, last = 0;
            int present = 0;
            for (int i = 0; i < 256; i++) {
                if (h[i] > 0) {
                    total += h[i];
                    last = h[i];
                    present++;
                }
            }
            long step = present <= 1 ? 0 : (total - last) / 255;
            long n = step / 2;
            for (int i = 0; i < 256; i++) {
                if (step == 0) {
                    luts[b][i] = i;
                } else {
                    luts[b][i] = (int) Math.min(255, n / step);   // PIL clips table entries to 8 bits
                    n += h[i];
                }
            }
        }
        return apply(img, luts[0], luts[1], luts[2]);
    }

    /** Per-band histograms of a 3-channel image (OpenCV {@code calcHist}). */
    static long[][] histograms(ByteImage img) {
        check(img);
        Mat src = img.toMat();
        Mat hist = new Mat();
        Mat noMask = new Mat();
        try {
            long[][] out = new long[3][256];
            for (int b = 0; b < 3; b++) {
                calcHist(src, 1, new int[]{b}, noMask, hist, 1, new int[]{256}, new float[]{0f, 256f});
                float[] counts = new float[256];
                new org.bytedeco.javacpp.FloatPointer(hist.data()).get(counts);
                for (int i = 0; i < 256; i++) {
                    out[b][i] = Math.round(counts[i]);
                }
            }
            return out;
        } finally {
            src.release();
            hist.release();
            noMask.release();
        }
    }

    /** Applies one 256-entry table per band (values 0..255) with OpenCV {@code LUT}. */
    static ByteImage apply(ByteImage img, int[] lut0, int[] lut1, int[] lut2) {
        check(img);
        byte[] table = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            table[3 * i] = (byte) lut0[i];
            table[3 * i + 1] = (byte) lut1[i];
            table[3 * i + 2] = (byte) lut2[i];
        }
        Mat lut = new Mat(1, 256, CV_8UC3);
        Mat src = img.toMat();
        Mat dst = new Mat();
        try {
            lut.data().put(table, 0, table.length);
            LUT(src, lut, dst);
            return ByteImage.fromMat(dst);
        } finally {
            lut.release();
            src.release();
            dst.release();
        }
    }

    static void check(ByteImage img) {
        if (img.channels() != 3) {
            throw new IllegalArgumentException("Expected a 3-channel RGB image, got " + img);
        }
    }

    private static int clip(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
