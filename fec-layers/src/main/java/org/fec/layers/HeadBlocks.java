package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Per-head centres as one block-diagonal matrix per fold region, so that a single product of a region's rows (all
 * heads side by side, [n, heads*d]) gives every head's similarities ([n, heads*M]) without splitting the rows into
 * heads first. The zero blocks cost heads times the multiply-adds of per-head products, which are small next to the
 * copies they save.
 */
final class HeadBlocks {

    private final long batch, heads, regionsPerImage, m, d;

    HeadBlocks(Regions headRegions, long proposals) {
        this.batch = headRegions.batch;
        this.heads = headRegions.heads;
        this.regionsPerImage = headRegions.foldRows * headRegions.foldCols;
        this.m = proposals;
        this.d = headRegions.depth;
    }

    /** Centres [maps, M, d] (maps in batch, head, region order) to [B*R, heads*d, heads*M], block h = centres_h^T. */
    INDArray blockDiagonal(INDArray centres) {
        INDArray transposed = centres.reshape(batch, heads, regionsPerImage, m, d).permute(0, 2, 1, 4, 3);
        INDArray blocks = Nd4j.zeros(centres.dataType(), batch * regionsPerImage, heads, d, heads, m);
        for (int h = 0; h < heads; h++) {
            block(blocks, h).assign(transposed.get(all(), all(), NDArrayIndex.point(h), all(), all())
                    .reshape(batch * regionsPerImage, d, m));
        }
        return blocks.reshape(batch * regionsPerImage, heads * d, heads * m);
    }

    /** Adjoint of {@link #blockDiagonal}: the diagonal blocks of [B*R, heads*d, heads*M] as [maps, M, d]. */
    INDArray diagonal(INDArray blockMatrices) {
        INDArray blocks = blockMatrices.reshape(batch * regionsPerImage, heads, d, heads, m);
        INDArray out = Nd4j.createUninitialized(blockMatrices.dataType(), batch, regionsPerImage, heads, d, m);
        for (int h = 0; h < heads; h++) {
            out.get(all(), all(), NDArrayIndex.point(h), all(), all())
                    .assign(block(blocks, h).reshape(batch, regionsPerImage, d, m));
        }
        return out.permute(0, 2, 1, 4, 3).dup('c').reshape(batch * heads * regionsPerImage, m, d);
    }

    private static INDArray block(INDArray blocks, int h) {
        return blocks.get(all(), NDArrayIndex.point(h), all(), NDArrayIndex.point(h), all());
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
