package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;

/**
 * Rows scaled to unit length along the last axis, {@code x / max(||x||, 1e-12)} like PyTorch's F.normalize, with the
 * backward pass {@code (dy - unit (dy . unit)) / norm} (the projection term vanishes where the norm was clamped).
 *
 * <p>For float arrays each direction is one Java pass over chunks of rows (spread over the fork-join pool), where
 * ND4J took a norm, a clamp and a broadcast division forward and five passes with three new arrays backward. Double
 * arrays (gradient checks, float64 parity) keep the ND4J ops.
 */
final class UnitRows {

    private static final int CHUNK_ROWS = 1024;

    /** The unit rows, shaped like x. */
    final INDArray unit;
    /** The clamped norms, x's shape with a last axis of 1. */
    final INDArray norms;

    private UnitRows(INDArray unit, INDArray norms) {
        this.unit = unit;
        this.norms = norms;
    }

    static UnitRows of(INDArray x) {
        long[] normShape = x.shape().clone();
        normShape[normShape.length - 1] = 1;
        int last = x.rank() - 1;
        if (!inJava(x)) {
            INDArray norms = Transforms.max(x.norm2(true, last), FecOps.NORMALIZE_EPS, false);
            return new UnitRows(x.div(norms), norms);
        }
        INDArray in = Tensors.standalone(x);
        int d = (int) x.size(last), rows = (int) (x.length() / d);
        INDArray unit = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        float[] norms = new float[rows];
        FloatBuffer source = in.data().asNioFloat(), target = unit.data().asNioFloat();
        Tensors.forEachRange(rows, CHUNK_ROWS, (first, count) -> {
            int length = count * d;
            float[] v = Scratch.floats(length);
            source.get(first * d, v, 0, length);
            for (int r = 0; r < count; r++) {
                float norm = clampedNorm(v, r * d, d);
                for (int j = 0; j < d; j++) {
                    v[r * d + j] /= norm;
                }
                norms[first + r] = norm;
            }
            target.put(first * d, v, 0, length);
            Scratch.recycle(v);
        });
        return new UnitRows(unit, Nd4j.createFromArray(norms).reshape(normShape));
    }

    /**
     * The clamped norms {@code max(||x||, 1e-12)} along the last axis alone, for float x, as the same sums
     * {@link #of} forms: one read of x, no unit rows written.
     */
    static float[] normsOf(INDArray x) {
        if (!inJava(x)) {
            throw new IllegalArgumentException("normsOf takes float arrays, got " + x.dataType());
        }
        int d = (int) x.size(x.rank() - 1), rows = (int) (x.length() / d);
        float[] norms = new float[rows];
        FloatBuffer source = Tensors.standalone(x).data().asNioFloat();
        Tensors.forEachRange(rows, CHUNK_ROWS, (first, count) -> {
            int length = count * d;
            float[] v = Scratch.floats(length);
            source.get(first * d, v, 0, length);
            for (int r = 0; r < count; r++) {
                norms[first + r] = clampedNorm(v, r * d, d);
            }
            Scratch.recycle(v);
        });
        return norms;
    }

    /** {@code max(||v[from .. from + d)||, 1e-12)} in float, the squares added in order. */
    private static float clampedNorm(float[] v, int from, int d) {
        float squares = 0f;
        for (int j = 0; j < d; j++) {
            squares += v[from + j] * v[from + j];
        }
        return Math.max((float) Math.sqrt(squares), (float) FecOps.NORMALIZE_EPS);
    }

    /** The gradient of x from the gradient of the unit rows (shaped like them). */
    INDArray backward(INDArray dUnit) {
        if (!inJava(dUnit) || unit.dataType() != DataType.FLOAT) {
            INDArray dot = dUnit.mul(unit).sum(true, unit.rank() - 1);
            INDArray clamped = norms.lte(FecOps.NORMALIZE_EPS);
            if (clamped.any()) {
                dot.muli(clamped.castTo(dot.dataType()).rsubi(1.0));
            }
            return dUnit.sub(unit.mul(dot)).divi(norms);
        }
        INDArray dy = Tensors.standalone(dUnit);
        int d = (int) unit.size(unit.rank() - 1), rows = (int) (unit.length() / d);
        float[] n = norms.data().asFloat();
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, unit.shape());
        FloatBuffer gradient = dy.data().asNioFloat(), units = unit.data().asNioFloat(), target = dx.data().asNioFloat();
        float eps = (float) FecOps.NORMALIZE_EPS;
        Tensors.forEachRange(rows, CHUNK_ROWS, (first, count) -> {
            int length = count * d;
            float[] g = Scratch.floats(length), u = Scratch.floats(length);
            gradient.get(first * d, g, 0, length);
            units.get(first * d, u, 0, length);
            for (int r = 0; r < count; r++) {
                float norm = n[first + r], dot = 0f;
                for (int j = 0; j < d; j++) {
                    dot += g[r * d + j] * u[r * d + j];
                }
                if (norm <= eps) {
                    dot = 0f;
                }
                for (int j = 0; j < d; j++) {
                    g[r * d + j] = (g[r * d + j] - u[r * d + j] * dot) / norm;
                }
            }
            target.put(first * d, g, 0, length);
            Scratch.recycle(g, u);
        });
        return dx;
    }

    static boolean inJava(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.length() <= Integer.MAX_VALUE;
    }
}
