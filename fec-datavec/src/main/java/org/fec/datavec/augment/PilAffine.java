package org.fec.datavec.augment;

import org.fec.datavec.ade20k.ByteImage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * PIL's {@code Image.transform(size, AFFINE, (a, b, c, d, e, f), resample, fillcolor)} and the geometric RandAugment
 * operations built on it. PIL's matrix is the inverse mapping: output pixel (x, y) samples the input at
 * {@code (a x' + b y' + c, d x' + e y' + f)} with {@code x' = x + 0.5, y' = y + 0.5} (pixel centres), so shear and
 * translation act about the top-left corner and {@link #rotate} builds its matrix about the image centre as
 * {@code Image.rotate} does.
 * <p>
 * The sampler is PIL's: a sample point outside [0, W) x [0, H) gives the fill colour; otherwise bilinear
 * (2x2 neighbours, edge-clamped) or PIL's bicubic (4x4 neighbours, edge-clamped, the a = -1 cubic of
 * {@code Geometry.c}), truncated to 8 bits. OpenCV's {@code warpAffine} quantises the weights to 1/32 pixel, uses
 * another cubic and blends the border colour in, so the few lines are written out here to keep PIL's values.
 */
public final class PilAffine {

    /** The two resampling filters timm's RandAugment chooses between. */
    public enum Resample { BILINEAR, BICUBIC }

    private PilAffine() {
    }

    /** {@code Image.rotate(degrees, resample, fillcolor=fill)} without expand: counter-clockwise about the centre. */
    public static ByteImage rotate(ByteImage img, double degrees, Resample resample, int[] fill) {
        double angle = degrees % 360.0;
        if (angle < 0) {
            angle += 360.0;   // Python's modulo
        }
        if (angle == 0) {
            return img.copy();
        }
        double rad = -Math.toRadians(angle);
        double a = round15(Math.cos(rad)), b = round15(Math.sin(rad));
        double d = round15(-Math.sin(rad)), e = round15(Math.cos(rad));
        double cx = img.width() / 2.0, cy = img.height() / 2.0;
        double c = a * -cx + b * -cy + cx;
        double f = d * -cx + e * -cy + cy;
        return transform(img, new double[]{a, b, c, d, e, f}, resample, fill);
    }

    /** timm's {@code shear_x}: matrix (1, factor, 0, 0, 1, 0). */
    public static ByteImage shearX(ByteImage img, double factor, Resample resample, int[] fill) {
        return transform(img, new double[]{1, factor, 0, 0, 1, 0}, resample, fill);
    }

    /** timm's {@code shear_y}: matrix (1, 0, 0, factor, 1, 0). */
    public static ByteImage shearY(ByteImage img, double factor, Resample resample, int[] fill) {
        return transform(img, new double[]{1, 0, 0, factor, 1, 0}, resample, fill);
    }

    /** timm's {@code translate_x_rel}: matrix (1, 0, pct * W, 0, 1, 0), i.e. the content moves left for pct > 0. */
    public static ByteImage translateXRel(ByteImage img, double pct, Resample resample, int[] fill) {
        return transform(img, new double[]{1, 0, pct * img.width(), 0, 1, 0}, resample, fill);
    }

    /** timm's {@code translate_y_rel}: matrix (1, 0, 0, 0, 1, pct * H), i.e. the content moves up for pct > 0. */
    public static ByteImage translateYRel(ByteImage img, double pct, Resample resample, int[] fill) {
        return transform(img, new double[]{1, 0, 0, 0, 1, pct * img.height()}, resample, fill);
    }

    /** {@code Image.transform(img.size, AFFINE, m, resample, fillcolor=fill)} on a 3-channel image. */
    public static ByteImage transform(ByteImage img, double[] m, Resample resample, int[] fill) {
        PilOps.check(img);
        int w = img.width(), h = img.height();
        byte[] in = img.data();
        byte[] out = new byte[in.length];
        double[] v = new double[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double xo = x + 0.5, yo = y + 0.5;
                double xin = m[0] * xo + m[1] * yo + m[2];
                double yin = m[3] * xo + m[4] * yo + m[5];
                int o = (y * w + x) * 3;
                if (xin < 0.0 || xin >= w || yin < 0.0 || yin >= h) {
                    out[o] = (byte) fill[0];
                    out[o + 1] = (byte) fill[1];
                    out[o + 2] = (byte) fill[2];
                    continue;
                }
                if (resample == Resample.BILINEAR) {
                    bilinear(in, w, h, xin - 0.5, yin - 0.5, v);
                } else {
                    bicubic(in, w, h, xin - 0.5, yin - 0.5, v);
                }
                for (int ch = 0; ch < 3; ch++) {
                    out[o + ch] = (byte) (v[ch] <= 0.0 ? 0 : v[ch] >= 255.0 ? 255 : (int) v[ch]);
                }
            }
        }
        return new ByteImage(w, h, 3, out);
    }

    private static void bilinear(byte[] in, int w, int h, double xs, double ys, double[] v) {
        int x = (int) Math.floor(xs), y = (int) Math.floor(ys);
        double dx = xs - x, dy = ys - y;
        int x0 = clamp(x, w), x1 = clamp(x + 1, w);
        int r0 = clamp(y, h) * w, r1 = y + 1 < h ? (y + 1) * w : -1;
        for (int ch = 0; ch < 3; ch++) {
            double top = lerp(at(in, r0 + x0, ch), at(in, r0 + x1, ch), dx);
            double bottom = r1 < 0 ? top : lerp(at(in, r1 + x0, ch), at(in, r1 + x1, ch), dx);
            v[ch] = lerp(top, bottom, dy);
        }
    }

    private static void bicubic(byte[] in, int w, int h, double xs, double ys, double[] v) {
        int x = (int) Math.floor(xs) - 1, y = (int) Math.floor(ys) - 1;
        double dx = xs - (x + 1), dy = ys - (y + 1);
        int c0 = clamp(x, w), c1 = clamp(x + 1, w), c2 = clamp(x + 2, w), c3 = clamp(x + 3, w);
        for (int ch = 0; ch < 3; ch++) {
            double r0 = cubicRow(in, clamp(y, h) * w, c0, c1, c2, c3, ch, dx);
            // past the top or bottom edge PIL repeats the previous row
            double r1 = y + 1 >= 0 && y + 1 < h ? cubicRow(in, (y + 1) * w, c0, c1, c2, c3, ch, dx) : r0;
            double r2 = y + 2 >= 0 && y + 2 < h ? cubicRow(in, (y + 2) * w, c0, c1, c2, c3, ch, dx) : r1;
            double r3 = y + 3 >= 0 && y + 3 < h ? cubicRow(in, (y + 3) * w, c0, c1, c2, c3, ch, dx) : r2;
            v[ch] = cubic(r0, r1, r2, r3, dy);
        }
    }

    private static double cubicRow(byte[] in, int rowStart, int c0, int c1, int c2, int c3, int ch, double d) {
        return cubic(at(in, rowStart + c0, ch), at(in, rowStart + c1, ch), at(in, rowStart + c2, ch),
                at(in, rowStart + c3, ch), d);
    }

    /** PIL's BICUBIC macro of Geometry.c. */
    private static double cubic(double v1, double v2, double v3, double v4, double d) {
        double p1 = v2;
        double p2 = -v1 + v3;
        double p3 = 2 * (v1 - v2) + v3 - v4;
        double p4 = -v1 + v2 - v3 + v4;
        return p1 + d * (p2 + d * (p3 + d * p4));
    }

    private static double lerp(double a, double b, double d) {
        return a + (b - a) * d;
    }

    private static double at(byte[] in, int pixel, int ch) {
        return in[pixel * 3 + ch] & 0xFF;
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : i < size ? i : size - 1;
    }

    /** Python's {@code round(v, 15)}, which {@code Image.rotate} applies to the matrix entries. */
    static double round15(double v) {
        return new BigDecimal(v).setScale(15, RoundingMode.HALF_EVEN).doubleValue();
    }
}
