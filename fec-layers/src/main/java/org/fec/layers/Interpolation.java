package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's {@code F.interpolate} (bilinear with {@code align_corners=False}, and legacy {@code nearest}) as
 * separable matrix products: {@code y = A_h x A_w^T} per image and channel, so the backward pass is
 * {@code dx = A_h^T dy A_w}. ND4J's own resize ops have no gradient.
 *
 * <p>The 1-D weights follow PyTorch 1.13's CPU kernels bit for bit: the scale is a float32 division, the source
 * coordinate is computed in double and the two weights are float32 (see the golden {@code seg_det} README, items 2
 * and 5).
 */
public final class Interpolation {

    /** Interpolation kinds. */
    public enum Mode {
        BILINEAR, NEAREST
    }

    private Interpolation() {
    }

    /**
     * The [out, in] bilinear weights of one axis for {@code F.interpolate(size=out)}; a resize to the same size is
     * the identity.
     */
    public static double[][] bilinearWeights(int in, int out) {
        float scale = (float) in / (float) out;
        return in == out ? identity(in) : bilinearWeights(in, out, scale);
    }

    /** The bilinear weights for {@code F.interpolate(scale_factor=s)}: the scale is {@code (float) (1 / s)}. */
    public static double[][] bilinearWeightsForScaleFactor(int in, double scaleFactor) {
        int out = (int) Math.floor(in * scaleFactor);
        return bilinearWeights(in, out, (float) (1.0 / scaleFactor));
    }

    private static double[][] bilinearWeights(int in, int out, float scale) {
        checkSizes(in, out);
        double[][] a = new double[out][in];
        for (int dst = 0; dst < out; dst++) {
            double src = Math.max((double) scale * (dst + 0.5) - 0.5, 0.0);
            int i0 = (int) Math.min((long) src, in - 1);
            int i1 = i0 + (i0 < in - 1 ? 1 : 0);
            float w1 = (float) Math.min(Math.max(src - i0, 0.0), 1.0);
            float w0 = 1.0f - w1;
            a[dst][i0] += w0;
            a[dst][i1] += w1;
        }
        return a;
    }

    /** The source index of every output position of legacy {@code nearest} (float32 scale, floor, clamp). */
    public static int[] nearestSources(int in, int out) {
        return nearestSources(in, out, (float) in / (float) out);
    }

    /** The nearest source indices for {@code F.interpolate(scale_factor=s)}: the scale is {@code (float) (1 / s)}. */
    public static int[] nearestSourcesForScaleFactor(int in, double scaleFactor) {
        return nearestSources(in, (int) Math.floor(in * scaleFactor), (float) (1.0 / scaleFactor));
    }

    private static int[] nearestSources(int in, int out, float scale) {
        checkSizes(in, out);
        int[] src = new int[out];
        for (int dst = 0; dst < out; dst++) {
            src[dst] = Math.min((int) Math.floor((float) dst * scale), in - 1);
        }
        return src;
    }

    /** The [out, in] 0/1 selection matrix of legacy {@code nearest}. */
    public static double[][] nearestWeights(int in, int out) {
        return selection(in, nearestSources(in, out));
    }

    /** The [out, in] 0/1 matrix that picks input {@code src[dst]} for output {@code dst}. */
    public static double[][] selection(int in, int[] src) {
        int out = src.length;
        double[][] a = new double[out][in];
        for (int dst = 0; dst < out; dst++) {
            a[dst][src[dst]] = 1.0;
        }
        return a;
    }

    /** The [out, in] weights of {@code mode} for a size-to-size resize. */
    public static double[][] weights(Mode mode, int in, int out) {
        return mode == Mode.BILINEAR ? bilinearWeights(in, out) : nearestWeights(in, out);
    }

    /** {@code weights} as a matrix of the given data type; null for the identity (nothing to do on that axis). */
    public static INDArray matrix(double[][] weights, DataType dataType) {
        if (isIdentity(weights)) {
            return null;
        }
        return Nd4j.createFromArray(weights).castTo(dataType);
    }

    /**
     * {@code y[n, c] = A_h x[n, c] A_w^T} for x [N, C, h, w], {@code ah} [H, h] and {@code aw} [W, w] (null =
     * identity on that axis). Two GEMMs and at most two layout copies.
     */
    public static INDArray apply(INDArray x, INDArray ah, INDArray aw) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("Interpolation expects an NCHW array, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        long outH = ah == null ? h : ah.size(0);
        long outW = aw == null ? w : aw.size(0);
        checkMatrix(ah, h, "height");
        checkMatrix(aw, w, "width");
        INDArray xc = Tensors.contiguous(x);
        if (ah == null) {
            if (aw == null) {
                return xc.dup();
            }
            INDArray y = Nd4j.createUninitialized(x.dataType(), n * c * h, outW);
            Nd4j.gemm(xc.reshape('c', n * c * h, w), aw, y, false, true, 1.0, 0.0);
            return y.reshape('c', n, c, h, outW);
        }
        if ((long) outH * outW >= LARGE_MAP) {
            return applyPerMap(xc, ah, aw, n, c, h, w, outH, outW);
        }
        // Small maps: height first, h brought to the front so that one GEMM handles every image and channel.
        INDArray byRow = xc.reshape('c', n * c, h, w).permute(1, 0, 2).dup('c').reshape('c', h, n * c * w);
        INDArray u = Nd4j.createUninitialized(x.dataType(), outH, n * c * w);
        Nd4j.gemm(Tensors.contiguous(ah), byRow, u, false, false, 1.0, 0.0);
        INDArray v = u;
        if (aw != null) {
            v = Nd4j.createUninitialized(x.dataType(), outH * n * c, outW);
            Nd4j.gemm(u.reshape('c', outH * n * c, w), aw, v, false, true, 1.0, 0.0);
        }
        return v.reshape('c', outH, n * c, outW).permute(1, 0, 2).dup('c').reshape('c', n, c, outH, outW);
    }

    /** Output maps from this many pixels on are resized map by map (cheaper than two large layout copies). */
    private static final long LARGE_MAP = 4096;

    /** Width by one GEMM over all rows, then height by one GEMM per (image, channel) map, written in place. */
    private static INDArray applyPerMap(INDArray xc, INDArray ah, INDArray aw, long n, long c, long h, long w,
                                        long outH, long outW) {
        INDArray rows = xc.reshape('c', n * c * h, w);
        if (aw != null) {
            INDArray t = Nd4j.createUninitialized(xc.dataType(), n * c * h, outW);
            Nd4j.gemm(rows, aw, t, false, true, 1.0, 0.0);
            rows = t;
        }
        INDArray maps = rows.reshape('c', n * c, h, outW);
        INDArray out = Nd4j.createUninitialized(xc.dataType(), n * c, outH, outW);
        INDArray left = Tensors.contiguous(ah);
        for (long b = 0; b < n * c; b++) {
            Nd4j.gemm(left, maps.slice(b), out.slice(b), false, false, 1.0, 0.0);
        }
        return out.reshape('c', n, c, outH, outW);
    }

    /** {@code F.interpolate(x, size=(height, width), mode)} of NCHW {@code x}, in x's data type. */
    public static INDArray resize(INDArray x, Mode mode, int height, int width) {
        INDArray ah = matrix(weights(mode, (int) x.size(2), height), x.dataType());
        INDArray aw = matrix(weights(mode, (int) x.size(3), width), x.dataType());
        return apply(x, ah, aw);
    }

    /** The backward pass of {@link #apply}: {@code dx = A_h^T dy A_w}. */
    public static INDArray applyBackward(INDArray dy, INDArray ah, INDArray aw) {
        return apply(dy, ah == null ? null : ah.transpose().dup('c'), aw == null ? null : aw.transpose().dup('c'));
    }

    private static boolean isIdentity(double[][] a) {
        if (a.length != a[0].length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                if (a[i][j] != (i == j ? 1.0 : 0.0)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[][] identity(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1.0;
        }
        return a;
    }

    private static void checkSizes(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Interpolation sizes must be positive, got " + in + " -> " + out);
        }
    }

    private static void checkMatrix(INDArray a, long in, String axis) {
        if (a != null && a.size(1) != in) {
            throw new IllegalArgumentException("Interpolation matrix for the " + axis + " expects " + a.size(1)
                    + " input positions, the array has " + in);
        }
    }
}
