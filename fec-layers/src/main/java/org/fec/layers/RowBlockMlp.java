package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * The ClusterBlock's MLP ({@code fc2(gelu(fc1(y)))}, products scaled by 1/sqrt 2 as in {@link ClusterBlockKernel}),
 * forward and backward, on blocks of rows over the fork-join pool, for narrow rows (FEC-Small's first two stages:
 * 32 channels and 256 hidden units, 64 and 512). Each block runs fc1, GELU and fc2 (or their gradients) slice by
 * slice of its hidden units while they sit in cache, and calls OpenBLAS directly with products small enough for
 * OpenBLAS to run them on the calling thread; the products that sum over the hidden units (fc2's, and the input
 * gradient's) add the slices in order.
 *
 * <p>Why: with 32 or 64 channels the two whole-map products are long and thin (K or N of 32 or 64), which
 * OpenBLAS's two threads run at about half their speed on wider products, and the hidden units (8x the map) went
 * through memory four times between them (bias, product, GELU, product). Here two Java threads each run their own
 * blocks: the second stage's MLP about twice as fast as with the whole-map products (measured in inference).
 * Float only, on ND4J's CPU backend with OpenBLAS; elsewhere {@link #applies} is false and the kernel keeps its
 * whole-map products.
 */
final class RowBlockMlp {

    /** Rows per block; the hidden slices are as wide as single-threaded products allow. */
    private static final int BLOCK_ROWS = 64;
    /** Narrower hidden slices lose more in calls than they gain (measured: 64 channels gain 2x, 196 lose). */
    private static final int MIN_SLICE = 64;
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

    private RowBlockMlp() {
    }

    /** Whether the row-block pass runs for rows y [rows, C] and {@code hidden} hidden units. */
    static boolean applies(INDArray y, long hidden) {
        return TiledGemm.OPENBLAS && y.dataType() == DataType.FLOAT && y.length() <= Integer.MAX_VALUE
                && hidden * y.size(1) * y.size(0) <= Integer.MAX_VALUE && hiddenSlice(y.size(1), hidden) >= MIN_SLICE;
    }

    /** Hidden units per slice: each slice's products (64 rows by C by the slice) stay single-threaded. */
    private static int hiddenSlice(long channels, long hidden) {
        return (int) Math.min(hidden, TiledGemm.SINGLE_THREAD_WORK / (channels * BLOCK_ROWS));
    }

    /**
     * @param saved null in inference; else two new [rows, hidden] arrays are put there: the scaled hidden units s
     *              and {@code 1 + erf(s)} (what the backward pass reads; it recomputes their product
     *              {@code s (1 + erf(s))} block by block, which costs less than writing and reading it back)
     * @return the MLP output rows [rows, C]
     */
    static INDArray forward(INDArray y, INDArray w1, INDArray b1, INDArray w2, INDArray b2, INDArray[] saved) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.size(0), y.size(1));
        float[] b2Row = b2.castTo(DataType.FLOAT).toFloatVector();
        forward(y, w1, b1, w2, repeatedRows(b2Row, 0, b2Row.length, BLOCK_ROWS, 1f), saved, out);
        return out;
    }

    /**
     * Inference, adding the MLP's output without fc2's bias into {@code sum} ([rows, C], a C-order array of its
     * own): fc2's products accumulate there (beta 1).
     */
    static void forwardAdding(INDArray y, INDArray w1, INDArray b1, INDArray w2, INDArray sum) {
        if (!Tensors.isCContiguous(sum) || sum.offset() != 0 || sum.data().length() != sum.length()) {
            throw new IllegalArgumentException("forwardAdding needs a C-order array of its own, got "
                    + sum.shapeInfoToString());
        }
        forward(y, w1, b1, w2, null, null, sum);
    }

    /** bias2: fc2's bias as rows of a block to write before fc2's products, or null to add onto {@code out}. */
    private static void forward(INDArray y, INDArray w1, INDArray b1, INDArray w2, float[] bias2, INDArray[] saved,
                                INDArray out) {
        boolean training = saved != null;
        int rows = (int) y.size(0), c = (int) y.size(1), hidden = (int) w1.size(0);
        int slice = hiddenSlice(c, hidden), slices = (hidden + slice - 1) / slice;
        FloatBuffer in = floats(y), fc1 = floats(w1), fc2 = floats(w2);
        float[] b1Row = b1.castTo(DataType.FLOAT).toFloatVector();
        float[][] bias1 = new float[slices][];
        for (int j = 0; j < slices; j++) {
            bias1[j] = repeatedRows(b1Row, j * slice, Math.min(slice, hidden - j * slice), BLOCK_ROWS, INV_SQRT2);
        }
        FloatBuffer output = out.data().asNioFloat();
        if (training) {
            for (int i = 0; i < 2; i++) {
                saved[i] = Nd4j.createUninitialized(DataType.FLOAT, rows, hidden);
            }
        }
        FloatBuffer savedHidden = training ? saved[0].data().asNioFloat() : null;
        FloatBuffer savedCdf = training ? saved[1].data().asNioFloat() : null;
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        IntStream.range(0, blocks).parallel().forEach(k -> {
            int first = k * BLOCK_ROWS, n = Math.min(BLOCK_ROWS, rows - first);
            Block s = new Block(BLOCK_ROWS * slice);
            if (bias2 != null) {
                TiledGemm.at(output, first * c).put(bias2, 0, n * c);
            }
            for (int j = 0; j < slices; j++) {
                int from = j * slice, width = Math.min(slice, hidden - from), length = n * width;
                // fc1 onto the bias rows (beta 1), GELU, then fc2 onto the output rows (beta 1).
                TiledGemm.at(s.hidden, 0).put(bias1[j], 0, length);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, width, c, INV_SQRT2,
                        TiledGemm.at(in, first * c), c, TiledGemm.at(fc1, from * c), c, 1f, TiledGemm.at(s.hidden, 0),
                        width);
                TiledGemm.at(s.hidden, 0).get(s.values, 0, length);
                Gelu.forwardChunk(s.values, s.onePlusErf, s.product, length);
                if (training) {
                    putSlice(savedHidden, s.values, first, n, hidden, from, width);
                    putSlice(savedCdf, s.onePlusErf, first, n, hidden, from, width);
                }
                TiledGemm.at(s.hidden, 0).put(s.product, 0, length);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, c, width, INV_SQRT2,
                        TiledGemm.at(s.hidden, 0), width, TiledGemm.at(fc2, from), hidden, 1f,
                        TiledGemm.at(output, first * c), c);
            }
            s.recycle();
        });
    }

    /**
     * The backward pass on blocks of the same rows and slices: from the output's gradient dMlp [rows, C] and the
     * forward pass's saved arrays, writes the gradients of fc1's and fc2's weights and biases into the gradient views
     * and returns the gradient of y. The hidden units' gradients live only in cache, slice by slice; each task sums
     * its rows' weight gradients (OpenBLAS accumulating, beta 1) and the tasks' sums are added in order.
     */
    static INDArray backward(INDArray dMlp, INDArray y, INDArray w1, INDArray w2, INDArray[] saved, INDArray dW1,
                             INDArray dB1, INDArray dW2, INDArray dB2) {
        int rows = (int) y.size(0), c = (int) y.size(1), hidden = (int) w1.size(0);
        int slice = hiddenSlice(c, hidden), slices = (hidden + slice - 1) / slice;
        FloatBuffer gradient = floats(dMlp), in = floats(y), fc1 = floats(w1), fc2 = floats(w2);
        FloatBuffer scaledHidden = floats(saved[0]), onePlusErf = floats(saved[1]);
        INDArray dy = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        FloatBuffer inputGradient = dy.data().asNioFloat();
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int tasks = Math.max(1, Math.min(blocks, 4 * java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()));
        FloatBuffer[] dW1Parts = new FloatBuffer[tasks], dW2Parts = new FloatBuffer[tasks];
        double[][] dB1Parts = new double[tasks][hidden];
        IntStream.range(0, tasks).parallel().forEach(t -> {
            FloatBuffer dW1Sum = Scratch.direct(hidden * c), dW2Sum = Scratch.direct(c * hidden);
            Block s = new Block(BLOCK_ROWS * slice);
            int firstBlock = (int) ((long) blocks * t / tasks);
            for (int k = firstBlock; k < (int) ((long) blocks * (t + 1) / tasks); k++) {
                int first = k * BLOCK_ROWS, n = Math.min(BLOCK_ROWS, rows - first);
                float sumsSoFar = k == firstBlock ? 0f : 1f;              // the task's weight sums start here
                FloatBuffer dOut = TiledGemm.at(gradient, first * c);
                for (int j = 0; j < slices; j++) {
                    int from = j * slice, width = Math.min(slice, hidden - from), length = n * width;
                    // GELU's output s (1 + erf(s)) again, exactly as the forward pass multiplied it.
                    getSlice(scaledHidden, s.product, first, n, hidden, from, width);
                    getSlice(onePlusErf, s.onePlusErf, first, n, hidden, from, width);
                    for (int i = 0; i < length; i++) {
                        s.values[i] = s.product[i] * s.onePlusErf[i];
                    }
                    TiledGemm.at(s.hidden, 0).put(s.values, 0, length);
                    // fc2: dW2 += dMlp^T (s (1 + erf(s))) / sqrt 2, and half the gradient of gelu(h), dMlp W2 / 2.
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, width, n, INV_SQRT2, dOut, c,
                            TiledGemm.at(s.hidden, 0), width, sumsSoFar, TiledGemm.at(dW2Sum, from), hidden);
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, width, c, 0.5f, dOut, c,
                            TiledGemm.at(fc2, from), hidden, 0f, TiledGemm.at(s.hidden, 0), width);
                    // GELU: the gradient of h (fc1's output) in place of the slice.
                    TiledGemm.at(s.hidden, 0).get(s.values, 0, length);
                    Gelu.backwardChunk(s.values, s.product, s.onePlusErf, s.values, length);
                    TiledGemm.at(s.hidden, 0).put(s.values, 0, length);
                    Tensors.addColumnSums(s.values, n, width, dB1Parts[t], from);
                    // fc1: dW1 += dh^T y, dy = dh W1 (the slices added in order).
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, width, c, n, 1f, TiledGemm.at(s.hidden, 0),
                            width, TiledGemm.at(in, first * c), c, sumsSoFar, TiledGemm.at(dW1Sum, from * c), c);
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, c, width, 1f, TiledGemm.at(s.hidden, 0),
                            width, TiledGemm.at(fc1, from * c), c, j == 0 ? 0f : 1f,
                            TiledGemm.at(inputGradient, first * c), c);
                }
            }
            s.recycle();
            dW1Parts[t] = dW1Sum;
            dW2Parts[t] = dW2Sum;
        });
        dW1.assign(sumInOrder(dW1Parts, hidden, c));
        dW2.assign(sumInOrder(dW2Parts, c, hidden));
        Scratch.recycle(dW1Parts);
        Scratch.recycle(dW2Parts);
        Tensors.assignSumInOrder(dB1Parts, dB1);
        dB2.assign(Tensors.columnSums(dMlp).reshape(dB2.shape()));
        return dy;
    }

    /** Writes a block's slice [n, width] (packed rows) into rows [first, first + n), columns [from, from + width). */
    private static void putSlice(FloatBuffer to, float[] slice, int first, int n, int rowLength, int from,
                                 int width) {
        if (width == rowLength) {
            to.put(first * rowLength, slice, 0, n * width);
            return;
        }
        for (int r = 0; r < n; r++) {
            to.put((first + r) * rowLength + from, slice, r * width, width);
        }
    }

    /** Inverse of {@link #putSlice}: reads the slice into packed rows. */
    private static void getSlice(FloatBuffer from, float[] slice, int first, int n, int rowLength, int start,
                                 int width) {
        if (width == rowLength) {
            from.get(first * rowLength, slice, 0, n * width);
            return;
        }
        for (int r = 0; r < n; r++) {
            from.get((first + r) * rowLength + start, slice, r * width, width);
        }
    }

    private static INDArray sumInOrder(FloatBuffer[] parts, int rows, int cols) {
        float[] total = new float[rows * cols], part = new float[rows * cols];
        for (FloatBuffer p : parts) {
            p.clear().get(part);
            for (int i = 0; i < total.length; i++) {
                total[i] += part[i];
            }
        }
        return Nd4j.createFromArray(total).reshape(rows, cols);
    }

    /** {@code rows} copies of {@code row[from, from + width)}, scaled. */
    private static float[] repeatedRows(float[] row, int from, int width, int rows, float scale) {
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                out[r * width + j] = row[from + j] * scale;
            }
        }
        return out;
    }

    private static FloatBuffer floats(INDArray a) {
        return Tensors.standalone(a.castTo(DataType.FLOAT)).data().asNioFloat();
    }

    /** A task's working blocks (from {@link Scratch}): an off-heap one for OpenBLAS, heap ones for the GELU loop. */
    private static final class Block {
        final FloatBuffer hidden;
        final float[] values, onePlusErf, product;

        Block(int size) {
            hidden = Scratch.direct(size);
            values = Scratch.floats(size);
            onePlusErf = Scratch.floats(size);
            product = Scratch.floats(size);
        }

        void recycle() {
            Scratch.recycle(hidden);
            Scratch.recycle(values, onePlusErf, product);
        }
    }
}
