package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Channels-last maps split into per-head, per-fold-region point sets and back, plus PyTorch adaptive average
 * pooling over a region, for the native engine. Row order of the maps is batch-major, then heads, then fold
 * regions (row-major), as in the reference.
 */
final class Regions {

    final long batch, heads, foldRows, foldCols, rows, cols, depth;

    /** Maps of [batch*H*W, heads*depth] rows; a fold of 1x1 means no folding. */
    Regions(long batch, long height, long width, long heads, long depth, long foldRows, long foldCols) {
        this.batch = batch;
        this.heads = heads;
        this.foldRows = foldRows;
        this.foldCols = foldCols;
        this.rows = height / foldRows;
        this.cols = width / foldCols;
        this.depth = depth;
    }

    long maps() {
        return batch * heads * foldRows * foldCols;
    }

    long points() {
        return rows * cols;
    }

    /** [B*H*W, heads*d] to [maps, n, d]; may share memory with t (one head, no fold). */
    INDArray split(INDArray t) {
        if (foldRows == 1 && foldCols == 1) {
            // With one head the permute moves nothing and contiguous() copies nothing.
            return Tensors.contiguous(t.reshape(batch, rows * cols, heads, depth).permute(0, 2, 1, 3))
                    .reshape(maps(), points(), depth);
        }
        return t.reshape(batch, foldRows, rows, foldCols, cols, heads, depth).permute(0, 5, 1, 3, 2, 4, 6)
                .dup('c').reshape(maps(), points(), depth);
    }

    /** Inverse of {@link #split}: [maps, n, d] to [B*H*W, heads*d]; may share memory with t. */
    INDArray merge(INDArray t) {
        long all = batch * foldRows * rows * foldCols * cols;
        if (foldRows == 1 && foldCols == 1) {
            return Tensors.contiguous(t.reshape(batch, heads, rows * cols, depth).permute(0, 2, 1, 3))
                    .reshape(all, heads * depth);
        }
        return t.reshape(batch, heads, foldRows, foldCols, rows, cols, depth).permute(0, 2, 4, 3, 5, 1, 6).dup('c')
                .reshape(all, heads * depth);
    }

    /**
     * Adaptive average pooling of every fold region to {@code outRows x outCols} centres, on rows of any width:
     * t [B*H*W, k] to [B*centres, k] (centres in the row order of {@link #splitCentres}). Pooling each fold region
     * of R rows to r bins is pooling the image's fold*R rows to fold*r bins (PyTorch's bin edges land on the same
     * indices), so folds need no special case. The pooling is separable: the image's rows first, one batched
     * product per sample, then its columns, one per pooled row. (One product with the whole-image [centres, H*W]
     * matrix cost about 25 times the work at the first stage.)
     */
    INDArray poolRows(INDArray t, long outRows, long outCols) {
        long h = foldRows * rows, w = foldCols * cols, oh = foldRows * outRows, ow = foldCols * outCols;
        long k = t.size(1);
        DataType dt = t.dataType();
        INDArray pooledRows = Tensors.bmm(repeated(h, oh, batch, dt), t.reshape(batch, h, w * k), false, false);
        return Tensors.bmm(repeated(w, ow, batch * oh, dt), pooledRows.reshape(batch * oh, w, k), false, false)
                .reshape(batch * oh * ow, k);
    }

    /** Backward of {@link #poolRows}: dPooled [B*centres, k] to [B*H*W, k]. */
    INDArray poolRowsBackward(INDArray dPooled, long outRows, long outCols) {
        long h = foldRows * rows, w = foldCols * cols, oh = foldRows * outRows, ow = foldCols * outCols;
        long k = dPooled.size(1);
        DataType dt = dPooled.dataType();
        INDArray dPooledRows = Tensors.bmm(repeated(w, ow, batch * oh, dt), dPooled.reshape(batch * oh, ow, k),
                true, false);                                                      // [B*oh, W, k]
        return Tensors.bmm(repeated(h, oh, batch, dt), dPooledRows.reshape(batch, oh, w * k), true, false)
                .reshape(batch * h * w, k);
    }

    /** Pooled rows [B*centres, heads*d] (from {@link #poolRows}) as per-map centres [maps, M, d]. */
    INDArray splitCentres(INDArray pooled, long outRows, long outCols) {
        return centreRegions(outRows, outCols).split(pooled);
    }

    /** Inverse of {@link #splitCentres}. */
    INDArray mergeCentres(INDArray centres, long outRows, long outCols) {
        return centreRegions(outRows, outCols).merge(centres);
    }

    /** The centres' own regions: {@code outRows x outCols} points per fold region. */
    private Regions centreRegions(long outRows, long outCols) {
        return new Regions(batch, foldRows * outRows, foldCols * outCols, heads, depth, foldRows, foldCols);
    }

    /** Batched pooling matrices; a few shapes at a time (two per stage of the sizes in use). */
    static final ConstantCache POOLING = new ConstantCache(32);

    /** One axis' [out, in] pooling matrix ({@link AdaptivePooling}) repeated {@code count} times (cached, detached). */
    private static INDArray repeated(long in, long out, long count, DataType dt) {
        return POOLING.get(count + ":" + in + ">" + out + ":" + dt, () -> {
            INDArray one = AdaptivePooling.matrix(in, out, dt);
            INDArray all = Nd4j.createUninitialized(dt, count, out, in);
            for (long i = 0; i < count; i++) {
                all.tensorAlongDimension(i, 1, 2).assign(one);
            }
            return all;
        });
    }
}
