package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Exact GELU's elementwise passes, on s = h / sqrt 2 (the MLP's products carry the sqrt 2 factors):
 * forward {@code 1 + erf(s)} and {@code s (1 + erf(s))}, backward {@code dy (1 + erf(s) + (2 / sqrt pi) s e^{-s^2})}.
 *
 * <p>Why not ND4J: libnd4j evaluates float erf with the C library's scalar {@code erff}, which made erf the
 * largest single cost of inference (about a fifth), and the backward pass took six passes over the hidden units.
 * For float arrays this class runs each direction as one loop with no branches and no calls, which HotSpot compiles
 * to SIMD instructions, over chunks copied to and from the off-heap buffers and spread over the fork-join pool.
 * <ul>
 *   <li>erf is a rational function, {@code erf(s) = s P(s^2) / Q(s^2)} on [-4, 4] and +-1 beyond (where erf is 1
 *   to within 1.6e-8). The coefficients were fitted for this project (Lawson-weighted least squares on Chebyshev
 *   points): within 5.5e-8 of erf in exact arithmetic, within 5e-7 once evaluated in float.</li>
 *   <li>{@code e^{-u}}, u = s^2 with s clamped to [-4, 4], is {@code p(u / 16)^16} with p a degree-7 fit of
 *   {@code e^{-v}} on [0, 1] (relative error 8e-10; about 3e-6 once evaluated in float and squared four times).
 *   The density term is then within 1e-6 of its exact value (6e-7 measured); beyond |s| = 4, where the clamp
 *   holds it at its value for 4, it is about 5e-7 or less.</li>
 * </ul>
 * Double arrays (gradient checks, float64 parity) use ND4J's erf and exp, as do arrays too long for Java indices.
 */
final class Gelu {

    private static final double LN_TWO_OVER_SQRT_PI = Math.log(2.0 / Math.sqrt(Math.PI));
    private static final float TWO_OVER_SQRT_PI = (float) (2.0 / Math.sqrt(Math.PI));

    private static final float P0 = 1.1283786779300899f, P1 = 2.1397809434941029e-01f,
            P2 = 5.2438127079279126e-02f, P3 = 4.2945214232272422e-03f, P4 = 1.5557440098306810e-04f,
            P5 = -1.9905148693170862e-06f, P6 = 1.9217338398308099e-08f;
    private static final float Q1 = 0.5229608061201435f, Q2 = 0.1208136281985412f, Q3 = 0.01555407071838949f,
            Q4 = 0.00109840052352871f;
    private static final float E0 = 0.99999999924775751f, E1 = -0.99999991333324989f, E2 = 0.49999831360331709f,
            E3 = -0.16665389656176258f, E4 = 0.041618309891857566f, E5 = -0.0082319978481657508f,
            E6 = 0.0012681361507718325f, E7 = -1.1951025580453517e-04f;
    /** Beyond this, erf(s) rounds to +-1 in float. */
    private static final float CLAMP = 4f;

    private static final int CHUNK = 8192;

    private Gelu() {
    }

    /** {@code {1 + erf(s), s (1 + erf(s))}} as new arrays shaped like s. */
    static INDArray[] forward(INDArray s) {
        if (!inJava(s)) {
            INDArray onePlusErf = Tensors.erf(s).addi(1.0);
            return new INDArray[] {onePlusErf, s.mul(onePlusErf)};
        }
        INDArray onePlusErf = Nd4j.createUninitialized(DataType.FLOAT, s.shape());
        INDArray product = Nd4j.createUninitialized(DataType.FLOAT, s.shape());
        FloatBuffer in = floats(Tensors.standalone(s)), out1 = floats(onePlusErf), out2 = floats(product);
        forEachChunk(s.length(), (offset, len, a) -> {
            in.get(offset, a[0], 0, len);
            forwardChunk(a[0], a[3], a[4], len);
            out1.put(offset, a[3], 0, len);
            out2.put(offset, a[4], 0, len);
        });
        return new INDArray[] {onePlusErf, product};
    }

    /** {@code s (1 + erf(s))} alone, written over s when s is a contiguous array of its own (else into a copy). */
    static INDArray forwardInPlace(INDArray s) {
        s = Tensors.standalone(s);
        if (!inJava(s)) {
            return s.muli(Tensors.erf(s).addi(1.0));
        }
        FloatBuffer values = floats(s);
        forEachChunk(s.length(), (offset, len, a) -> {
            values.get(offset, a[0], 0, len);
            forwardChunk(a[0], a[3], a[4], len);
            values.put(offset, a[4], 0, len);
        });
        return s;
    }

    /**
     * {@code dy (1 + erf(s) + (2 / sqrt pi) s e^{-s^2})}, the gradient through s (1 + erf(s)) / 2 of dy's double.
     * Written into dy when dy is a contiguous array of its own (as a product's result is), else into a copy.
     */
    static INDArray backward(INDArray dy, INDArray s, INDArray onePlusErf) {
        return backward(dy, s, onePlusErf, null);
    }

    /**
     * {@link #backward(INDArray, INDArray, INDArray)} on rows [rows, cols] that also writes the column sums of the
     * result into {@code columnSums} ([cols], e.g. the bias gradient of the product before), in the same pass for
     * float arrays.
     */
    static INDArray backward(INDArray dy, INDArray s, INDArray onePlusErf, INDArray columnSums) {
        dy = Tensors.standalone(dy);
        int cols = (int) s.size(s.rank() - 1);
        if (!inJava(dy) || columnSums != null && cols > CHUNK) {
            // The constant rides inside the exponent: (2 / sqrt pi) e^{-s^2} = e^{ln(2 / sqrt pi) - s^2}.
            INDArray density = Transforms.exp(s.mul(s).rsubi(LN_TWO_OVER_SQRT_PI), false);
            INDArray dx = dy.muli(density.muli(s).addi(onePlusErf));
            if (columnSums != null) {
                columnSums.assign(Tensors.columnSums(dx.reshape(dx.length() / cols, cols)).reshape(columnSums.shape()));
            }
            return dx;
        }
        FloatBuffer grad = floats(dy), in = floats(Tensors.standalone(s));
        FloatBuffer cdf = floats(Tensors.standalone(onePlusErf));
        // Chunks of whole rows, so each chunk's column sums are one loop over its rows.
        int chunk = columnSums == null ? CHUNK : CHUNK / cols * cols;
        int chunks = (int) ((s.length() + chunk - 1) / chunk);
        double[][] partialSums = columnSums == null ? null : new double[chunks][cols];
        forEachChunk(s.length(), chunk, (offset, len, a) -> {
            grad.get(offset, a[0], 0, len);
            in.get(offset, a[1], 0, len);
            cdf.get(offset, a[2], 0, len);
            backwardChunk(a[0], a[1], a[2], a[3], len);
            grad.put(offset, a[3], 0, len);
            if (partialSums != null) {
                Tensors.addColumnSums(a[3], len / cols, cols, partialSums[offset / chunk]);
            }
        });
        if (partialSums != null) {
            Tensors.assignSumInOrder(partialSums, columnSums);
        }
        return dy;
    }

    static void forwardChunk(float[] x, float[] onePlusErf, float[] product, int n) {
        for (int i = 0; i < n; i++) {
            float s = Math.max(-CLAMP, Math.min(CLAMP, x[i]));
            float u = s * s;
            float num = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P6, u, P5), u, P4), u, P3), u, P2), u,
                    P1), u, P0) * s;
            float den = Math.fma(Math.fma(Math.fma(Math.fma(Q4, u, Q3), u, Q2), u, Q1), u, 1f);
            float t = Math.max(0f, Math.min(2f, 1f + num / den));       // rounding must not leave [0, 2]
            onePlusErf[i] = t;
            product[i] = x[i] * t;
        }
    }

    static void backwardChunk(float[] dy, float[] x, float[] onePlusErf, float[] dx, int n) {
        for (int i = 0; i < n; i++) {
            float c = Math.max(-CLAMP, Math.min(CLAMP, x[i]));          // beyond, the term is below 5e-7
            float v = c * c * (1f / 16f);
            float e = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E7, v, E6), v, E5), v, E4), v,
                    E3), v, E2), v, E1), v, E0);
            e *= e;
            e *= e;
            e *= e;
            e *= e;                                                       // e^{-s^2}
            dx[i] = dy[i] * Math.fma(TWO_OVER_SQRT_PI * c, e, onePlusErf[i]);
        }
    }

    private static boolean inJava(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.length() <= Integer.MAX_VALUE;
    }

    /** The buffer of an array {@link Tensors#standalone} accepted. */
    private static FloatBuffer floats(INDArray a) {
        return a.data().asNioFloat();
    }

    /** A task over one chunk, with five scratch arrays of CHUNK floats: up to three inputs and two outputs. */
    private interface ChunkTask {
        void run(int offset, int length, float[][] scratch);
    }

    private static void forEachChunk(long n, ChunkTask task) {
        forEachChunk(n, CHUNK, task);
    }

    /** Chunks of {@code chunk} elements (at most CHUNK, the scratch size). */
    private static void forEachChunk(long n, int chunk, ChunkTask task) {
        int chunks = (int) ((n + chunk - 1) / chunk);
        IntStream.range(0, chunks).parallel().forEach(k -> {
            int offset = k * chunk;
            float[][] scratch = new float[5][];
            for (int i = 0; i < scratch.length; i++) {
                scratch[i] = Scratch.floats(CHUNK);
            }
            task.run(offset, (int) Math.min(chunk, n - offset), scratch);
            Scratch.recycle(scratch);
        });
    }
}
