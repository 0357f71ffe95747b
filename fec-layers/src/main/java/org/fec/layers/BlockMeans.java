package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The mean of every 2x2 block of maps of {@code rows x cols} points with k channels, [maps, rows*cols, k] to
 * [maps, rows/2 * cols/2, k] (ClusterPool's centre proposals), and its adjoint. Both add the same way: the two
 * points of each row of a block first, then the two rows, then the quarter.
 *
 * <p>For float maps both directions are one Java pass per map over the fork-join pool; libnd4j's strided adds and
 * assigns of the same views took 2.5 ms at the first pool (8 x 3136 x 32 values), about five times as long. Double
 * maps keep the ND4J views.
 */
final class BlockMeans {

    private final long rows, cols;

    /** @param rows the maps' height in points (even) @param cols their width (even) */
    BlockMeans(long rows, long cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /** [maps, rows*cols, k] to the block means [maps, rows/2 * cols/2, k]. */
    INDArray forward(INDArray t) {
        long maps = t.size(0), k = t.size(2);
        if (!inJava(t)) {
            return forwardNd4j(t);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, maps, rows / 2 * (cols / 2), k);
        int kk = (int) k, cw = (int) cols / 2, ch = (int) rows / 2, in = (int) (rows * cols * k), outSize = in / 4;
        FloatBuffer source = Tensors.standalone(t).data().asNioFloat(), target = out.data().asNioFloat();
        IntStream.range(0, (int) maps).parallel().forEach(map -> {
            float[] x = Scratch.floats(in), y = Scratch.floats(outSize);
            source.get(map * in, x, 0, in);
            for (int cy = 0; cy < ch; cy++) {
                for (int cx = 0; cx < cw; cx++) {
                    int top = ((2 * cy) * 2 * cw + 2 * cx) * kk, bottom = top + 2 * cw * kk, at = (cy * cw + cx) * kk;
                    for (int j = 0; j < kk; j++) {
                        y[at + j] = ((x[top + j] + x[top + kk + j]) + (x[bottom + j] + x[bottom + kk + j])) * 0.25f;
                    }
                }
            }
            target.put(map * outSize, y, 0, outSize);
            Scratch.recycle(x, y);
        });
        return out;
    }

    /** Adjoint of {@link #forward}: a quarter of every block's gradient to each of its four points. */
    INDArray backward(INDArray dMeans) {
        long maps = dMeans.size(0), k = dMeans.size(2);
        if (!inJava(dMeans)) {
            return backwardNd4j(dMeans);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, maps, rows * cols, k);
        int kk = (int) k, cw = (int) cols / 2, ch = (int) rows / 2, size = (int) (rows * cols * k), in = size / 4;
        FloatBuffer source = Tensors.standalone(dMeans).data().asNioFloat(), target = out.data().asNioFloat();
        IntStream.range(0, (int) maps).parallel().forEach(map -> {
            float[] d = Scratch.floats(in), x = Scratch.floats(size);
            source.get(map * in, d, 0, in);
            for (int cy = 0; cy < ch; cy++) {
                for (int cx = 0; cx < cw; cx++) {
                    int top = ((2 * cy) * 2 * cw + 2 * cx) * kk, bottom = top + 2 * cw * kk, at = (cy * cw + cx) * kk;
                    for (int j = 0; j < kk; j++) {
                        float quarter = d[at + j] * 0.25f;
                        x[top + j] = quarter;
                        x[top + kk + j] = quarter;
                        x[bottom + j] = quarter;
                        x[bottom + kk + j] = quarter;
                    }
                }
            }
            target.put(map * size, x, 0, size);
            Scratch.recycle(d, x);
        });
        return out;
    }

    private boolean inJava(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.size(0) * rows * cols * a.size(2) <= Integer.MAX_VALUE;
    }

    /**
     * Horizontal pairs first, then vertical ones, each as one add of two column halves of a matrix: rank-2 strided
     * views, which ND4J walks far faster than the four rank-6 corner views of the same blocks.
     */
    private INDArray forwardNd4j(INDArray t) {
        long maps = t.size(0), k = t.size(2), ch = rows / 2, cw = cols / 2;
        INDArray pairs = Tensors.contiguous(t).reshape(maps * ch * 2 * cw, 2 * k);       // (left, right) per row
        INDArray rowSums = pairs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k))
                .add(pairs.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k)));
        INDArray rowPairs = rowSums.reshape(maps * ch, 2 * cw * k);                          // (top, bottom)
        INDArray sums = rowPairs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cw * k))
                .add(rowPairs.get(NDArrayIndex.all(), NDArrayIndex.interval(cw * k, 2 * cw * k)));
        return sums.muli(0.25).reshape(maps, ch * cw, k);
    }

    private INDArray backwardNd4j(INDArray dMeans) {
        long maps = dMeans.size(0), k = dMeans.size(2), ch = rows / 2, cw = cols / 2;
        INDArray quarter = dMeans.mul(0.25).reshape(maps * ch, cw * k);
        INDArray rowPairs = Nd4j.createUninitialized(dMeans.dataType(), maps * ch, 2 * cw * k);
        rowPairs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cw * k)).assign(quarter);
        rowPairs.get(NDArrayIndex.all(), NDArrayIndex.interval(cw * k, 2 * cw * k)).assign(quarter);
        INDArray rowSums = rowPairs.reshape(maps * ch * 2 * cw, k);
        INDArray pairs = Nd4j.createUninitialized(dMeans.dataType(), maps * ch * 2 * cw, 2 * k);
        pairs.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).assign(rowSums);
        pairs.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k)).assign(rowSums);
        return pairs.reshape(maps, 4 * ch * cw, k);
    }
}
