package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * The Cluster mixer's per-head products between a region's rows (all heads side by side, [n, heads*d]) and the
 * per-head centres ([M, d] each): the similarities [n, heads*M], and their two gradients, without splitting the
 * rows into heads first.
 * <ul>
 *   <li>Float (OpenBLAS): one product per region, head and block of rows, reading each head's columns in place
 *   (leading dimensions), over the fork-join pool. Each product is small enough for OpenBLAS to run on the calling
 *   thread; the centres' gradient sums its blocks of rows in order.</li>
 *   <li>Elsewhere (double: gradient checks, parity): the centres as one block-diagonal matrix per region, so that a
 *   single batched product serves all heads; its zero blocks cost heads times the multiply-adds (the float path's
 *   reason: FEC-Small's first stage spent about 10 ms per block on the centres' gradient alone that way).</li>
 * </ul>
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

    /**
     * Every head's similarities: rows [B*R, n, heads*d] times centres [maps, M, d] (maps in batch, head, region
     * order), as [B*R, n, heads*M] with head h's M columns from its d columns of the rows.
     */
    INDArray similarities(INDArray rows, INDArray centres) {
        return timesCentres(rows, centres, true);
    }

    /** Gradient of {@link #similarities} with respect to the rows: dSim [B*R, n, heads*M] to [B*R, n, heads*d]. */
    INDArray rowGradient(INDArray dSim, INDArray centres) {
        return timesCentres(dSim, centres, false);
    }

    /**
     * Per head, {@code left} [B*R, n, heads*k] times its centres: transposed ([d, M], k = d, giving heads*M columns)
     * or not ([M, d], k = M, giving heads*d columns).
     */
    private INDArray timesCentres(INDArray left, INDArray centres, boolean transposed) {
        if (!inJava(left, centres)) {
            return Tensors.bmm(left, blockDiagonal(centres), false, !transposed);
        }
        int n = (int) left.size(1), inner = (int) (transposed ? d : m), width = (int) (transposed ? m : d);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, left.size(0), n, heads * width);
        FloatBuffer a = floats(left), c = floats(centres), o = out.data().asNioFloat();
        forEachRowBlock(n, (g, h, first, count) -> cblas_sgemm(CblasRowMajor, CblasNoTrans,
                transposed ? CblasTrans : CblasNoTrans, count, width, inner, 1f, rowsAt(a, g, h, first, n, inner),
                (int) heads * inner, centresAt(c, g, h), (int) d, 0f, rowsAt(o, g, h, first, n, width),
                (int) heads * width));
        return out;
    }

    /** Gradient of {@link #similarities} with respect to the centres: [maps, M, d], like the centres. */
    INDArray centreGradient(INDArray rows, INDArray dSim) {
        if (!inJava(rows, dSim)) {
            return diagonal(Tensors.bmm(rows, dSim, true, false));
        }
        int n = (int) rows.size(1), groups = (int) rows.size(0), block = rowBlock();
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, batch * heads * regionsPerImage, m, d);
        FloatBuffer a = floats(rows), g0 = floats(dSim), o = out.data().asNioFloat();
        // One task per region and head, its blocks of rows summed in order (beta 1 after the first).
        IntStream.range(0, groups * (int) heads).parallel().forEach(t -> {
            int g = t / (int) heads, h = t % (int) heads;
            for (int first = 0; first < n; first += block) {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int) m, (int) d, Math.min(block, n - first), 1f,
                        rowsAt(g0, g, h, first, n, m), (int) (heads * m), rowsAt(a, g, h, first, n, d),
                        (int) (heads * d), first == 0 ? 0f : 1f, centresAt(o, g, h), (int) d);
            }
        });
        return out;
    }

    /** A product on rows [first, first + count) of region g under head h. */
    private interface RowBlockProduct {
        void run(int g, int h, int first, int count);
    }

    /** Every region, head and block of rows, over the fork-join pool. */
    private void forEachRowBlock(int n, RowBlockProduct product) {
        int block = rowBlock(), blocks = (n + block - 1) / block, perRegion = (int) heads * blocks;
        IntStream.range(0, (int) (batch * regionsPerImage) * perRegion).parallel().forEach(t -> {
            int g = t / perRegion, h = t % perRegion / blocks, first = t % blocks * block;
            product.run(g, h, first, Math.min(block, n - first));
        });
    }

    /** Rows per product: M * d * rows stays within OpenBLAS's single-threaded size. */
    private int rowBlock() {
        return (int) Math.max(1, TiledGemm.SINGLE_THREAD_WORK / (m * d));
    }

    /** Row {@code first} of region g, at head h's first column, in rows of heads * width values. */
    private FloatBuffer rowsAt(FloatBuffer b, int g, int h, int first, int n, long width) {
        return TiledGemm.at(b, (int) (((long) g * n + first) * heads * width + h * width));
    }

    /** Head h's centres [M, d] of region g (maps in batch, head, region order). */
    private FloatBuffer centresAt(FloatBuffer b, int g, int h) {
        long image = g / regionsPerImage, region = g % regionsPerImage;
        return TiledGemm.at(b, (int) (((image * heads + h) * regionsPerImage + region) * m * d));
    }

    private static boolean inJava(INDArray a, INDArray b) {
        return TiledGemm.OPENBLAS && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT
                && a.length() <= Integer.MAX_VALUE && b.length() <= Integer.MAX_VALUE;
    }

    private static FloatBuffer floats(INDArray a) {
        return Tensors.standalone(a).data().asNioFloat();
    }

    /** Centres [maps, M, d] (maps in batch, head, region order) to [B*R, heads*d, heads*M], block h = centres_h^T. */
    private INDArray blockDiagonal(INDArray centres) {
        INDArray transposed = centres.reshape(batch, heads, regionsPerImage, m, d).permute(0, 2, 1, 4, 3);
        INDArray blocks = Nd4j.zeros(centres.dataType(), batch * regionsPerImage, heads, d, heads, m);
        for (int h = 0; h < heads; h++) {
            block(blocks, h).assign(transposed.get(all(), all(), NDArrayIndex.point(h), all(), all())
                    .reshape(batch * regionsPerImage, d, m));
        }
        return blocks.reshape(batch * regionsPerImage, heads * d, heads * m);
    }

    /** Adjoint of {@link #blockDiagonal}: the diagonal blocks of [B*R, heads*d, heads*M] as [maps, M, d]. */
    private INDArray diagonal(INDArray blockMatrices) {
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
