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
 * forward and backward, on blocks of rows over the fork-join pool, for narrow rows (FEC-Small's first stage:
 * 32 channels, 256 hidden units). Each block runs fc1, GELU and fc2 (or their gradients) while its hidden units sit
 * in cache, and calls OpenBLAS directly with products small enough for OpenBLAS to run them on the calling thread.
 *
 * <p>Why: with 32 channels the two whole-map products are long and thin (K or N of 32), which OpenBLAS's two
 * threads run at about half their speed on wider products, and the hidden units (8x the map) went through memory
 * four times between them (bias, product, GELU, product). Here two Java threads each run their own blocks.
 * Inference also splits the hidden units of a block into slices (fc2's product then sums over the slices in
 * order), so that stages with 64 channels and 512 hidden units, too wide for whole single-threaded blocks, run
 * this way too: about twice as fast there as the whole-map products.
 * Float only, on ND4J's CPU backend with OpenBLAS; elsewhere {@link #applies} is false and the kernel keeps its
 * whole-map products.
 */
final class RowBlockMlp {

    /** Below this many rows per block, the per-call cost outweighs the gain. */
    private static final int MIN_BLOCK_ROWS = 16;
    /** Inference's rows per block; its hidden slices are as wide as single-threaded products allow. */
    private static final int INFERENCE_BLOCK_ROWS = 64;
    /** Narrower hidden slices lose more in calls than they gain (measured: 64 channels gain 2x, 196 lose). */
    private static final int MIN_SLICE = 64;
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

    private RowBlockMlp() {
    }

    /** Whether the row-block pass runs for rows y [rows, C] and {@code hidden} hidden units. */
    static boolean applies(INDArray y, long hidden) {
        return TiledGemm.OPENBLAS && y.dataType() == DataType.FLOAT && y.length() <= Integer.MAX_VALUE
                && hidden * y.size(1) * y.size(0) <= Integer.MAX_VALUE
                && blockRows(y.size(1), hidden) >= MIN_BLOCK_ROWS;
    }

    /** Whether {@link #forwardAdding} runs in row blocks for rows y [rows, C] and {@code hidden} hidden units. */
    static boolean appliesInInference(INDArray y, long hidden) {
        return TiledGemm.OPENBLAS && y.dataType() == DataType.FLOAT && y.length() <= Integer.MAX_VALUE
                && hidden * y.size(1) * y.size(0) <= Integer.MAX_VALUE && hiddenSlice(y.size(1), hidden) >= MIN_SLICE;
    }

    private static int blockRows(long channels, long hidden) {
        // Each block's products stay single-threaded in OpenBLAS (see TiledGemm).
        return (int) Math.min(64, TiledGemm.SINGLE_THREAD_WORK / (channels * hidden));
    }

    /** Hidden units per slice of an inference block: fc1's and fc2's products on a slice stay single-threaded. */
    private static int hiddenSlice(long channels, long hidden) {
        return (int) Math.min(hidden, TiledGemm.SINGLE_THREAD_WORK / (channels * INFERENCE_BLOCK_ROWS));
    }

    /**
     * @param saved null in inference; else two new [rows, hidden] arrays are put there: the scaled hidden units s
     *              and {@code 1 + erf(s)} (what the backward pass reads; it recomputes their product
     *              {@code s (1 + erf(s))} block by block, which costs less than writing and reading it back)
     * @return the MLP output rows [rows, C]
     */
    static INDArray forward(INDArray y, INDArray w1, INDArray b1, INDArray w2, INDArray b2, INDArray[] saved) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.size(0), y.size(1));
        int block = saved == null ? INFERENCE_BLOCK_ROWS : blockRows(y.size(1), w1.size(0));
        float[] b2Row = b2.castTo(DataType.FLOAT).toFloatVector();
        forward(y, w1, b1, w2, repeatedRows(b2Row, 0, b2Row.length, block, 1f), saved, out);
        return out;
    }

    /**
     * Inference ({@link #appliesInInference}), adding the MLP's output without fc2's bias into {@code sum}
     * ([rows, C], a C-order array of its own): fc2's products accumulate there (beta 1).
     */
    static void forwardAdding(INDArray y, INDArray w1, INDArray b1, INDArray w2, INDArray sum) {
        if (!Tensors.isCContiguous(sum) || sum.offset() != 0 || sum.data().length() != sum.length()) {
            throw new IllegalArgumentException("forwardAdding needs a C-order array of its own, got "
                    + sum.shapeInfoToString());
        }
        forward(y, w1, b1, w2, null, null, sum);
    }

    /**
     * bias2: fc2's bias as rows of a block to write before fc2's products, or null to add onto {@code out}.
     * Training (saved arrays) runs whole blocks of {@link #blockRows}; inference blocks of
     * {@link #INFERENCE_BLOCK_ROWS} rows in hidden slices.
     */
    private static void forward(INDArray y, INDArray w1, INDArray b1, INDArray w2, float[] bias2, INDArray[] saved,
                                INDArray out) {
        boolean training = saved != null;
        int rows = (int) y.size(0), c = (int) y.size(1), hidden = (int) w1.size(0);
        int block = training ? blockRows(c, hidden) : INFERENCE_BLOCK_ROWS;
        int slice = training ? hidden : hiddenSlice(c, hidden), slices = (hidden + slice - 1) / slice;
        FloatBuffer in = floats(y), fc1 = floats(w1), fc2 = floats(w2);
        float[] b1Row = b1.castTo(DataType.FLOAT).toFloatVector();
        float[][] bias1 = new float[slices][];
        for (int j = 0; j < slices; j++) {
            bias1[j] = repeatedRows(b1Row, j * slice, Math.min(slice, hidden - j * slice), block, INV_SQRT2);
        }
        FloatBuffer output = out.data().asNioFloat();
        if (training) {
            for (int i = 0; i < 2; i++) {
                saved[i] = Nd4j.createUninitialized(DataType.FLOAT, rows, hidden);
            }
        }
        FloatBuffer savedHidden = training ? saved[0].data().asNioFloat() : null;
        FloatBuffer savedCdf = training ? saved[1].data().asNioFloat() : null;
        int blocks = (rows + block - 1) / block;
        IntStream.range(0, blocks).parallel().forEach(k -> {
            int first = k * block, n = Math.min(block, rows - first);
            Block s = new Block(block * slice);
            if (bias2 != null) {
                TiledGemm.at(output, first * c).put(bias2, 0, n * c);
            }
            for (int j = 0; j < slices; j++) {
                int from = j * slice, width = Math.min(slice, hidden - from), length = n * width;
                // The slice's hidden units: in the saved arrays when training (one slice), else in the scratch
                // block (offset 0); GELU's output in the scratch block.
                int offset = training ? first * hidden : 0;
                FloatBuffer h = training ? savedHidden : s.hidden;
                // fc1 onto the bias rows (beta 1), GELU, then fc2 onto the output rows (beta 1).
                TiledGemm.at(h, offset).put(bias1[j], 0, length);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, width, c, INV_SQRT2,
                        TiledGemm.at(in, first * c), c, TiledGemm.at(fc1, from * c), c, 1f, TiledGemm.at(h, offset),
                        width);
                TiledGemm.at(h, offset).get(s.values, 0, length);
                Gelu.forwardChunk(s.values, s.onePlusErf, s.product, length);
                if (training) {
                    TiledGemm.at(savedCdf, offset).put(s.onePlusErf, 0, length);
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
     * The backward pass on blocks of the same rows: from the output's gradient dMlp [rows, C] and the forward pass's
     * saved arrays, writes the gradients of fc1's and fc2's weights and biases into the gradient views and returns
     * the gradient of y. The hidden units' gradients live only in cache, block by block; each task sums its rows'
     * weight gradients (OpenBLAS accumulating, beta 1) and the tasks' sums are added in order.
     */
    static INDArray backward(INDArray dMlp, INDArray y, INDArray w1, INDArray w2, INDArray[] saved, INDArray dW1,
                             INDArray dB1, INDArray dW2, INDArray dB2) {
        int rows = (int) y.size(0), c = (int) y.size(1), hidden = (int) w1.size(0), block = blockRows(c, hidden);
        FloatBuffer gradient = floats(dMlp), in = floats(y), fc1 = floats(w1), fc2 = floats(w2);
        FloatBuffer scaledHidden = floats(saved[0]), onePlusErf = floats(saved[1]);
        INDArray dy = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        FloatBuffer inputGradient = dy.data().asNioFloat();
        int blocks = (rows + block - 1) / block;
        int tasks = Math.max(1, Math.min(blocks, 4 * java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()));
        FloatBuffer[] dW1Parts = new FloatBuffer[tasks], dW2Parts = new FloatBuffer[tasks];
        double[][] dB1Parts = new double[tasks][hidden];
        IntStream.range(0, tasks).parallel().forEach(t -> {
            FloatBuffer dW1Sum = Scratch.direct(hidden * c), dW2Sum = Scratch.direct(c * hidden);
            Block s = new Block(block * hidden);
            int firstBlock = (int) ((long) blocks * t / tasks);
            for (int k = firstBlock; k < (int) ((long) blocks * (t + 1) / tasks); k++) {
                int first = k * block, n = Math.min(block, rows - first), length = n * hidden;
                float sumsSoFar = k == firstBlock ? 0f : 1f;              // the task's weight sums start here
                FloatBuffer dOut = TiledGemm.at(gradient, first * c);
                // GELU's output s (1 + erf(s)) again, exactly as the forward pass multiplied it.
                TiledGemm.at(scaledHidden, first * hidden).get(s.product, 0, length);
                TiledGemm.at(onePlusErf, first * hidden).get(s.onePlusErf, 0, length);
                for (int i = 0; i < length; i++) {
                    s.values[i] = s.product[i] * s.onePlusErf[i];
                }
                TiledGemm.at(s.hidden, 0).put(s.values, 0, length);
                // fc2: dW2 += dMlp^T (s (1 + erf(s))) / sqrt 2, and half the gradient of gelu(h), dMlp W2 / 2.
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, hidden, n, INV_SQRT2, dOut, c,
                        TiledGemm.at(s.hidden, 0), hidden, sumsSoFar, dW2Sum, hidden);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hidden, c, 0.5f, dOut, c, fc2, hidden, 0f,
                        TiledGemm.at(s.hidden, 0), hidden);
                // GELU: the gradient of h (fc1's output) in place of the block.
                TiledGemm.at(s.hidden, 0).get(s.values, 0, length);
                Gelu.backwardChunk(s.values, s.product, s.onePlusErf, s.values, length);
                TiledGemm.at(s.hidden, 0).put(s.values, 0, length);
                Tensors.addColumnSums(s.values, n, hidden, dB1Parts[t]);
                // fc1: dW1 += dh^T y, dy = dh W1.
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, hidden, c, n, 1f, TiledGemm.at(s.hidden, 0),
                        hidden, TiledGemm.at(in, first * c), c, sumsSoFar, dW1Sum, c);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, c, hidden, 1f, TiledGemm.at(s.hidden, 0),
                        hidden, fc1, c, 0f, TiledGemm.at(inputGradient, first * c), c);
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
