package org.fec.layers;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

/**
 * Eager ND4J building blocks of the native FEC engine, each with its hand-written backward pass.
 * Matrices are row-major {@code [rows, channels]}; 2-D products go straight to BLAS through {@link Nd4j#gemm},
 * which on CPU is several times faster than ND4J's generic matmul op.
 */
final class Tensors {

    /** Points per float partial sum in {@link #addChannelSums}. */
    private static final int CHANNEL_SUM_BLOCK = 256;

    private Tensors() {
    }

    /**
     * Contiguous C-order copy unless {@code a} already is one. Views count as contiguous when their strides are
     * (a reshape of a whole array, a parameter's slice of the flat parameter vector): ND4J reports every reshape
     * as a view, and copying those cost a full pass per product.
     */
    static INDArray contiguous(INDArray a) {
        return isCContiguous(a) ? a : a.dup('c');
    }

    /** Row-major with no gaps: the last axis has stride 1 and every other the product of the later sizes. */
    static boolean isCContiguous(INDArray a) {
        if (a.ordering() != 'c') {
            return false;
        }
        long[] shape = a.shape(), stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** {@code x W^T + b}: x [rows, in], W [out, in], b [out]. */
    static INDArray linear(INDArray x, INDArray w, INDArray b) {
        return linear(x, 1.0, w, b);
    }

    /** {@code alpha x W^T + b}, the scale applied inside the product (free) rather than as another pass. */
    static INDArray linear(INDArray x, double alpha, INDArray w, INDArray b) {
        INDArray y = Nd4j.createUninitialized(x.dataType(), x.size(0), w.size(0));
        if (b == null) {
            Nd4j.gemm(contiguous(x), contiguous(w), y, false, true, alpha, 0.0);
            return y;
        }
        // Bias rows first, then the product added onto them (beta 1): one write pass, where a zero-initialised
        // product (OpenBLAS clears C for beta 0) plus a bias add cost a write pass and a read-write pass.
        Nd4j.exec(new BroadcastCopyOp(y, b.reshape(b.length()), y, 1));
        Nd4j.gemm(contiguous(x), contiguous(w), y, false, true, alpha, 1.0);
        return y;
    }

    /**
     * Backward of {@link #linear}: writes dW = dy^T x and db = sum of dy rows into the gradient views and returns
     * dx = dy W (null when {@code needInput} is false).
     */
    static INDArray linearBackward(INDArray dy, INDArray x, INDArray w, INDArray dw, INDArray db, boolean needInput) {
        return linearBackward(dy, x, 1.0, w, dw, db, needInput ? 1.0 : 0.0);
    }

    /**
     * Backward of {@code y = alpha x W^T + b}: writes dW = alpha dy^T x and db = sum of dy rows into the gradient
     * views and returns {@code dxScale * dy W} (the caller's scale of the input gradient; 0 for none, null
     * returned).
     */
    static INDArray linearBackward(INDArray dy, INDArray x, double alpha, INDArray w, INDArray dw, INDArray db,
                                   double dxScale) {
        dy = contiguous(dy);
        if (dw.size(0) < dw.size(1) && dw.size(0) <= 64) {
            // OpenBLAS runs these long products faster with the wider side as the result's rows when the narrow one
            // is at most 64 (32 x 256 over 25088 rows: 7.4 ms as 256 x 32, 10.8 ms as 32 x 256; 64 x 512 over 6272
            // rows: 5.9 against 6.3 ms), so dW^T = x^T dy, then transposed (small). Wider results run faster as
            // they are (320 x 1280 over 392 rows: 2.6 against 3.5 ms; 196 x 576 over 1568: 3.0 against 3.6 ms).
            INDArray transposed = Nd4j.createUninitialized(dw.dataType(), dw.size(1), dw.size(0));
            Nd4j.gemm(contiguous(x), dy, transposed, true, false, alpha, 0.0);
            dw.assign(transposed.transpose());
        } else {
            Nd4j.gemm(dy, contiguous(x), dw, true, false, alpha, 0.0);
        }
        if (db != null) {
            db.assign(columnSums(dy));
        }
        if (dxScale == 0.0) {
            return null;
        }
        INDArray dx = Nd4j.createUninitialized(dy.dataType(), dy.size(0), w.size(1));
        Nd4j.gemm(dy, contiguous(w), dx, false, false, dxScale, 0.0);
        return dx;
    }

    /**
     * Backward of a second use of the same linear layer: adds dW = dy^T x and db = sum of dy rows to the gradient
     * views (which already hold the first use's gradients) and returns dx = dy W.
     */
    static INDArray linearBackwardAdding(INDArray dy, INDArray x, INDArray w, INDArray dw, INDArray db) {
        INDArray dwPart = Nd4j.createUninitialized(dw.dataType(), dw.shape());
        INDArray dbPart = Nd4j.createUninitialized(db.dataType(), db.shape());
        INDArray dx = linearBackward(dy, x, 1.0, w, dwPart, dbPart, 1.0);
        dw.addi(dwPart);
        db.addi(dbPart);
        return dx;
    }

    /**
     * {@code m * v} per row into a new array: m [rows, cols], v [cols]. ND4J's own {@code mulRowVector} copies m
     * first and then multiplies in place, two passes where one broadcast op does it (about 3x faster).
     */
    static INDArray mulRowVector(INDArray m, INDArray v) {
        INDArray out = Nd4j.createUninitialized(m.dataType(), m.shape());
        Nd4j.exec(new BroadcastMulOp(contiguous(m), v.reshape(v.length()), out, 1));
        return out;
    }

    /**
     * Sums over the rows of a [rows, cols] matrix, as a [cols] vector: one BLAS product with a ones vector. For
     * float, OpenBLAS's matrix-vector product (gemv) reads the matrix once; a matrix product with a ones row took 3
     * to 4 times as long (25088 x 96: 2.0 against 0.47 ms).
     */
    static INDArray columnSums(INDArray m) {
        m = contiguous(m);
        if (TiledGemm.OPENBLAS && m.dataType() == DataType.FLOAT && m.length() <= Integer.MAX_VALUE) {
            int rows = (int) m.size(0), cols = (int) m.size(1);
            java.nio.FloatBuffer ones = Scratch.direct(rows);
            for (int i = 0; i < rows; i++) {
                ones.put(i, 1f);
            }
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, cols);
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1f, standalone(m).data().asNioFloat(), cols, ones, 1,
                    0f, out.data().asNioFloat(), 1);
            Scratch.recycle(ones);
            return out;
        }
        INDArray ones = Nd4j.ones(m.dataType(), 1, m.size(0));
        INDArray out = Nd4j.createUninitialized(m.dataType(), 1, m.size(1));
        Nd4j.gemm(ones, m, out, false, false, 1.0, 0.0);
        return out.reshape(m.size(1));
    }

    /** Batched product of rank-3 tensors with optional transposes of the last two axes. */
    static INDArray bmm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        if (TiledGemm.applies(a, b, transposeA, transposeB)) {
            return TiledGemm.bmm(a, b, transposeA, transposeB);
        }
        MMulTranspose t = MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build();
        return Nd4j.exec(new Mmul(contiguous(a), contiguous(b), null, t))[0];
    }

    /**
     * Sums of rows by group: {@code out[k, j] = sum of rows[k, i] over the i with group[k, i] == j}, for rows
     * [maps, n, d] and group [maps, n] (integers in [0, m)), as [maps, m, d]. Work in n * d, where a one-hot mask
     * and its product cost n * m * d. A Java loop per map, the maps spread over the fork-join pool: libnd4j's
     * scatter_add spends about 1 us per row and must run on one thread to add repeated groups in order. Each map
     * adds its rows in order here too, so the sums are deterministic.
     */
    static INDArray groupRowSums(INDArray rows, INDArray group, long m) {
        long maps = rows.size(0), n = rows.size(1), d = rows.size(2);
        if (maps * Math.max(n, m) * d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("groupRowSums: rows " + java.util.Arrays.toString(rows.shape())
                    + " exceed a Java array's index range");
        }
        long[] groups = standalone(group.castTo(DataType.INT64)).data().asLong();
        INDArray in = standalone(rows);
        INDArray sums = Nd4j.createUninitialized(rows.dataType(), maps, m, d);
        int rowLength = (int) d, inSize = (int) (n * d), outSize = (int) (m * d);
        IntStream.range(0, (int) maps).parallel().forEach(k -> {
            if (rows.dataType() == DataType.FLOAT) {
                float[] x = Scratch.floats(inSize), acc = Scratch.floats(outSize);
                in.data().asNioFloat().get(k * inSize, x, 0, inSize);
                java.util.Arrays.fill(acc, 0, outSize, 0f);
                for (int i = 0; i < n; i++) {
                    int to = groupOf(groups, k * n + i, m) * rowLength, from = i * rowLength;
                    for (int j = 0; j < rowLength; j++) {
                        acc[to + j] += x[from + j];
                    }
                }
                sums.data().asNioFloat().put(k * outSize, acc, 0, outSize);
                Scratch.recycle(x, acc);
            } else {
                double[] x = new double[inSize], acc = new double[outSize];
                in.data().asNioDouble().get(k * inSize, x, 0, inSize);
                for (int i = 0; i < n; i++) {
                    int to = groupOf(groups, k * n + i, m) * rowLength, from = i * rowLength;
                    for (int j = 0; j < rowLength; j++) {
                        acc[to + j] += x[from + j];
                    }
                }
                sums.data().asNioDouble().put(k * outSize, acc, 0, outSize);
            }
        });
        return sums;
    }

    private static int groupOf(long[] groups, long index, long m) {
        long g = groups[(int) index];
        if (g < 0 || g >= m) {
            throw new IllegalArgumentException("group index " + g + " at " + index + " is outside [0, " + m + ")");
        }
        return (int) g;
    }

    /** A per-channel vector [C] repeated over a sample's points, as a Scratch array of at least {@code size}. */
    static float[] tiledChannels(INDArray perChannel, int size) {
        float[] channel = perChannel.castTo(DataType.FLOAT).toFloatVector(), out = Scratch.floats(size);
        for (int at = 0; at < size; at += channel.length) {
            System.arraycopy(channel, 0, out, at, Math.min(channel.length, size - at));
        }
        return out;
    }

    /**
     * Adds to totals[k] the sum over a sample's points of {@code v[p, k]} (times {@code w[p, k]} unless w is null),
     * as float sums over blocks of about {@link #CHANNEL_SUM_BLOCK} points added up in double. Each span of rows is
     * first copied to the start of a small array, so that the accumulating loop indexes all its arrays alike (see
     * GroupNormOp's forward pass); copy and add ran about 3x faster than adding from the span's offset.
     */
    static void addChannelSums(float[] v, float[] w, int size, int c, double[] totals) {
        int span = c * Math.max(1, CHANNEL_SUM_BLOCK / c), whole = size / span * span;
        int blockLength = Math.max(1, CHANNEL_SUM_BLOCK / (span / c)) * span;          // about CHANNEL_SUM_BLOCK points
        float[] partial = new float[span], a = new float[span], b = w == null ? null : new float[span];
        for (int start = 0; start < whole; start += blockLength) {
            java.util.Arrays.fill(partial, 0f);
            for (int base = start; base < Math.min(whole, start + blockLength); base += span) {
                System.arraycopy(v, base, a, 0, span);
                if (b == null) {
                    for (int j = 0; j < span; j++) {
                        partial[j] += a[j];
                    }
                } else {
                    System.arraycopy(w, base, b, 0, span);
                    for (int j = 0; j < span; j++) {
                        partial[j] += a[j] * b[j];
                    }
                }
            }
            for (int j = 0; j < span; j++) {
                totals[j % c] += partial[j];
            }
        }
        for (int i = whole; i < size; i++) {                     // the last rows, fewer than a span
            totals[i % c] += w == null ? v[i] : (double) v[i] * w[i];
        }
    }

    /**
     * Adds the column sums of the first {@code rows} rows of {@code cols} values into {@code sums} (float per call).
     * Each row is copied to the start of a small array first: HotSpot (17) vectorises the add only when all its
     * arrays are indexed alike (see GroupNormOp's channel sums).
     */
    static void addColumnSums(float[] values, int rows, int cols, double[] sums) {
        addColumnSums(values, rows, cols, sums, 0);
    }

    /** {@link #addColumnSums(float[], int, int, double[])} into {@code sums[offset, offset + cols)}. */
    static void addColumnSums(float[] values, int rows, int cols, double[] sums, int offset) {
        float[] partial = new float[cols], row = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, r * cols, row, 0, cols);
            for (int j = 0; j < cols; j++) {
                partial[j] += row[j];
            }
        }
        for (int j = 0; j < cols; j++) {
            sums[offset + j] += partial[j];
        }
    }

    /**
     * Writes the sum of per-task partial sums into {@code target} (any shape of the same length, cast to its type),
     * adding the parts in order so that results do not depend on which thread finished first.
     */
    static void assignSumInOrder(double[][] parts, INDArray target) {
        double[] total = new double[parts[0].length];
        for (double[] part : parts) {
            for (int j = 0; j < total.length; j++) {
                total[j] += part[j];
            }
        }
        target.assign(Nd4j.createFromArray(total).castTo(target.dataType()).reshape(target.shape()));
    }

    /** A task over a range of items: {@code count} items from {@code first}. */
    interface RangeTask {
        void run(int first, int count);
    }

    /** Runs the task over consecutive ranges of at most {@code chunk} of {@code total} items, on the fork-join pool. */
    static void forEachRange(int total, int chunk, RangeTask task) {
        int ranges = (total + chunk - 1) / chunk;
        IntStream.range(0, ranges).parallel().forEach(k -> task.run(k * chunk, Math.min(chunk, total - k * chunk)));
    }

    /** a itself when it is a C-order array that owns exactly its buffer (no offset, no gaps), else such a copy. */
    static INDArray standalone(INDArray a) {
        boolean whole = isCContiguous(a) && a.offset() == 0 && a.data().length() == a.length();
        return whole ? a : a.dup('c');
    }

    /** Adjoint of {@link #groupRowSums}: every row receives its group's row, values [maps, m, d] to [maps, n, d]. */
    static INDArray groupRowsGather(INDArray values, INDArray group) {
        long maps = values.size(0), m = values.size(1), d = values.size(2), n = group.size(1);
        INDArray flatValues = contiguous(values).reshape(maps * m, d);
        return Nd4j.exec(new Gather(flatValues, flatGroupIndex(group, m), 0))[0].reshape(maps, n, d);
    }

    /** Group [maps, n] in [0, m) as row indices [maps * n] into the maps' groups stacked as rows [maps * m, ..]. */
    private static INDArray flatGroupIndex(INDArray group, long m) {
        long maps = group.size(0);
        INDArray firstRowOfMap = Nd4j.arange(0, maps).castTo(group.dataType()).muli(m).reshape(maps, 1);
        return group.add(firstRowOfMap).reshape(maps * group.size(1));
    }

    /** t [maps, n, k] with a column of ones appended: a product or sum over the rows then also counts them. */
    static INDArray withOnesColumn(INDArray t) {
        return Nd4j.concat(2, t, Nd4j.ones(t.dataType(), t.size(0), t.size(1), 1));
    }

    /** erf, elementwise, into a new array. */
    static INDArray erf(INDArray x) {
        INDArray out = x.ulike();
        Nd4j.exec(new Erf(x, out));
        return out;
    }

    /** Logistic sigmoid, elementwise, in place. */
    static INDArray sigmoidInPlace(INDArray x) {
        Nd4j.exec(new Sigmoid(x, x));
        return x;
    }

    /** One-hot [.., depth] of an index tensor, in {@code dataType}. */
    static INDArray oneHot(INDArray indices, int depth, DataType dataType) {
        long[] shape = new long[indices.rank() + 1];
        System.arraycopy(indices.shape(), 0, shape, 0, indices.rank());
        shape[indices.rank()] = depth;
        INDArray out = Nd4j.createUninitialized(dataType, shape);   // the op writes every element
        Nd4j.exec(new OneHot(indices, out, depth, -1, 1.0, 0.0));
        return out;
    }
}
