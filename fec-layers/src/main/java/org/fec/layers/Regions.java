package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.ConcurrentHashMap;

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

    /** [B*H*W, heads*d] to [maps, n, d]. */
    INDArray split(INDArray t) {
        if (foldRows == 1 && foldCols == 1) {
            return t.reshape(batch, rows * cols, heads, depth).permute(0, 2, 1, 3).dup('c')
                    .reshape(maps(), points(), depth);
        }
        return t.reshape(batch, foldRows, rows, foldCols, cols, heads, depth).permute(0, 5, 1, 3, 2, 4, 6)
                .dup('c').reshape(maps(), points(), depth);
    }

    /** Inverse of {@link #split}: [maps, n, d] to [B*H*W, heads*d]. */
    INDArray merge(INDArray t) {
        long all = batch * foldRows * rows * foldCols * cols;
        if (foldRows == 1 && foldCols == 1) {
            return t.reshape(batch, heads, rows * cols, depth).permute(0, 2, 1, 3).dup('c').reshape(all, heads * depth);
        }
        return t.reshape(batch, heads, foldRows, foldCols, rows, cols, depth).permute(0, 2, 4, 3, 5, 1, 6).dup('c')
                .reshape(all, heads * depth);
    }

    private static final ConcurrentHashMap<String, INDArray> POOLING = new ConcurrentHashMap<>();

    /** [outR*outC, rows*cols] adaptive-average-pooling matrix (Kronecker product of the two axes' matrices). */
    static INDArray poolingMatrix(long rows, long cols, long outRows, long outCols,
                                  org.nd4j.linalg.api.buffer.DataType dt) {
        String key = rows + "x" + cols + ">" + outRows + "x" + outCols + ":" + dt;
        return POOLING.computeIfAbsent(key, k -> detached(() -> {
            INDArray pr = AdaptivePooling.matrix(rows, outRows, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            INDArray pc = AdaptivePooling.matrix(cols, outCols, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            INDArray kron = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.DOUBLE, outRows * outCols, rows * cols);
            for (int i = 0; i < outRows; i++) {
                for (int j = 0; j < outCols; j++) {
                    INDArray row = pr.getRow(i).reshape(rows, 1).mmul(pc.getRow(j).reshape(1, cols));
                    kron.putRow(i * outCols + j, row.reshape(rows * cols));
                }
            }
            return kron.castTo(dt);
        }));
    }

    /** Runs {@code f} outside any workspace, so that a cached result outlives the caller's workspace. */
    private static INDArray detached(java.util.function.Supplier<INDArray> f) {
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return f.get();
        }
    }

    /** Pools every map: x [maps, n, d] to [maps, M, d] with P [M, n]. */
    static INDArray pool(INDArray x, INDArray p) {
        long maps = x.size(0), n = x.size(1), d = x.size(2), m = p.size(0);
        INDArray cols = x.permute(1, 0, 2).dup('c').reshape(n, maps * d);
        INDArray out = Nd4j.createUninitialized(x.dataType(), m, maps * d);
        Nd4j.gemm(p, cols, out, false, false, 1.0, 0.0);
        return out.reshape(m, maps, d).permute(1, 0, 2).dup('c');
    }

    /** Backward of {@link #pool}: dOut [maps, M, d] to [maps, n, d]. */
    static INDArray poolBackward(INDArray dOut, INDArray p) {
        long maps = dOut.size(0), m = dOut.size(1), d = dOut.size(2), n = p.size(1);
        INDArray cols = dOut.permute(1, 0, 2).dup('c').reshape(m, maps * d);
        INDArray out = Nd4j.createUninitialized(dOut.dataType(), n, maps * d);
        Nd4j.gemm(p, cols, out, true, false, 1.0, 0.0);
        return out.reshape(n, maps, d).permute(1, 0, 2).dup('c');
    }
}
