package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The 3x3, stride-2, padding-1 patches of channels-last maps [B, H, W, C] (H and W even) as rows
 * [B*H/2*W/2, 9C] in (ky, kx, c) column order, and the adjoint that adds patch gradients back to the map.
 *
 * <p>For float maps both are Java copies per sample over the fork-join pool, a patch row at a time; libnd4j took
 * nine rank-4 strided assigns (or adds) over a padded copy, which made the pool's backward pass's col2im about 3% of
 * a training step. Double maps keep the ND4J views.
 */
final class StridedPatches {

    private final long b, h, w, c;

    StridedPatches(long batch, long height, long width, long channels) {
        this.b = batch;
        this.h = height;
        this.w = width;
        this.c = channels;
    }

    private boolean inJava(INDArray a) {
        return a.dataType() == DataType.FLOAT && b * h * w * c * 9 / 4 <= Integer.MAX_VALUE;
    }

    /** x [B, H, W, C] to patch rows [B*H/2*W/2, 9C]. */
    INDArray im2col(INDArray in) {
        if (!inJava(in)) {
            return im2colNd4j(in);
        }
        int hh = (int) h, ww = (int) w, cc = (int) c, oh = hh / 2, ow = ww / 2, mapSize = hh * ww * cc;
        int colsSize = oh * ow * 9 * cc;
        FloatBuffer source = Tensors.standalone(in).data().asNioFloat();
        INDArray cols = Nd4j.createUninitialized(DataType.FLOAT, b * oh * ow, 9 * c);
        FloatBuffer target = cols.data().asNioFloat();
        IntStream.range(0, (int) b).parallel().forEach(sample -> {
            float[] x = Scratch.floats(mapSize), out = Scratch.floats(colsSize);
            source.get(sample * mapSize, x, 0, mapSize);
            Arrays.fill(out, 0, colsSize, 0f);                                  // the padding
            forEachPatchCell((mapAt, colAt) -> System.arraycopy(x, mapAt, out, colAt, cc));
            target.put(sample * colsSize, out, 0, colsSize);
            Scratch.recycle(x, out);
        });
        return cols;
    }

    /** Adjoint of {@link #im2col}: patch-row gradients [B*H/2*W/2, 9C] to [B, H, W, C]. */
    INDArray col2im(INDArray dCols) {
        if (!inJava(dCols)) {
            return col2imNd4j(dCols);
        }
        int hh = (int) h, ww = (int) w, cc = (int) c, oh = hh / 2, ow = ww / 2, mapSize = hh * ww * cc;
        int colsSize = oh * ow * 9 * cc;
        FloatBuffer source = Tensors.standalone(dCols).data().asNioFloat();
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, b, h, w, c);
        FloatBuffer target = dx.data().asNioFloat();
        IntStream.range(0, (int) b).parallel().forEach(sample -> {
            float[] d = Scratch.floats(colsSize), out = Scratch.floats(mapSize);
            source.get(sample * colsSize, d, 0, colsSize);
            Arrays.fill(out, 0, mapSize, 0f);
            forEachPatchCell((mapAt, colAt) -> {
                for (int j = 0; j < cc; j++) {
                    out[mapAt + j] += d[colAt + j];
                }
            });
            target.put(sample * mapSize, out, 0, mapSize);
            Scratch.recycle(d, out);
        });
        return dx;
    }

    private interface CellAction {
        void apply(int mapAt, int colAt);
    }

    /**
     * Calls the action for every patch cell that falls inside a sample's map (padding cells are skipped), with the
     * offsets of the cell's C channels in the map [H, W, C] and in the patch rows [H/2 * W/2, 9C].
     */
    private void forEachPatchCell(CellAction action) {
        int hh = (int) h, ww = (int) w, cc = (int) c, oh = hh / 2, ow = ww / 2;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int row = (oy * ow + ox) * 9 * cc;
                for (int ky = 0; ky < 3; ky++) {
                    int y = 2 * oy + ky - 1;
                    for (int kx = 0; kx < 3 && y >= 0 && y < hh; kx++) {
                        int x = 2 * ox + kx - 1;
                        if (x >= 0 && x < ww) {
                            action.apply((y * ww + x) * cc, row + (ky * 3 + kx) * cc);
                        }
                    }
                }
            }
        }
    }

    private INDArray im2colNd4j(INDArray in) {
        INDArray padded = Nd4j.create(in.dataType(), b, h + 2, w + 2, c);
        padded.get(all(), NDArrayIndex.interval(1, h + 1), NDArrayIndex.interval(1, w + 1), all()).assign(in);
        INDArray cols = Nd4j.createUninitialized(in.dataType(), b, h / 2, w / 2, 9 * c);
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int k = ky * 3 + kx;
                cols.get(all(), all(), all(), NDArrayIndex.interval(k * c, (k + 1) * c))
                        .assign(padded.get(all(), NDArrayIndex.interval(ky, 2, ky + h),
                                NDArrayIndex.interval(kx, 2, kx + w), all()));
            }
        }
        return cols.reshape(b * (h / 2) * (w / 2), 9 * c);
    }

    private INDArray col2imNd4j(INDArray dCols) {
        INDArray d = dCols.reshape(b, h / 2, w / 2, 9 * c);
        INDArray padded = Nd4j.create(dCols.dataType(), b, h + 2, w + 2, c);
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int k = ky * 3 + kx;
                padded.get(all(), NDArrayIndex.interval(ky, 2, ky + h), NDArrayIndex.interval(kx, 2, kx + w), all())
                        .addi(d.get(all(), all(), all(), NDArrayIndex.interval(k * c, (k + 1) * c)));
            }
        }
        return padded.get(all(), NDArrayIndex.interval(1, h + 1), NDArrayIndex.interval(1, w + 1), all()).dup('c');
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
