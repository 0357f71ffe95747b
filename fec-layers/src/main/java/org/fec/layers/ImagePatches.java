package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The non-overlapping {@code p x p} patches of NCHW images [B, C, H, W] as rows [B*H/p*W/p, C*p*p] in (c, py, px)
 * column order, the layout of a PyTorch convolution weight [out, C, p, p], and the inverse rearrangement.
 *
 * <p>For float images both directions are Java copies per image over the fork-join pool: libnd4j's rank-6 permuted
 * copy of the same rearrangement took most of the stem's time (runs of 4 floats at six strides). Double images keep
 * the ND4J permute.
 */
final class ImagePatches {

    private final long b, c, h, w, p;

    ImagePatches(long batch, long channels, long height, long width, long patch) {
        this.b = batch;
        this.c = channels;
        this.h = height;
        this.w = width;
        this.p = patch;
    }

    /** Images [B, C, H, W] to patch rows [B*H/p*W/p, C*p*p]. */
    INDArray rows(INDArray images) {
        if (!inJava(images)) {
            return images.reshape(b, c, h / p, p, w / p, p).permute(0, 2, 4, 1, 3, 5).dup('c')
                    .reshape(b * (h / p) * (w / p), c * p * p);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, b * (h / p) * (w / p), c * p * p);
        rearrange(Tensors.standalone(images), out, true);
        return out;
    }

    /** Inverse of {@link #rows}: patch rows [B*H/p*W/p, C*p*p] to images [B, C, H, W]. */
    INDArray images(INDArray rows) {
        if (!inJava(rows)) {
            return rows.reshape(b, h / p, w / p, c, p, p).permute(0, 3, 1, 4, 2, 5).dup('c').reshape(b, c, h, w);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, b, c, h, w);
        rearrange(Tensors.standalone(rows), out, false);
        return out;
    }

    /** Copies every image between its NCHW layout and its patch rows, in the direction given. */
    private void rearrange(INDArray from, INDArray to, boolean toRows) {
        int cc = (int) c, hh = (int) h, ww = (int) w, pp = (int) p, ow = ww / pp, size = cc * hh * ww;
        FloatBuffer source = from.data().asNioFloat(), target = to.data().asNioFloat();
        IntStream.range(0, (int) b).parallel().forEach(image -> {
            float[] in = Scratch.floats(size), out = Scratch.floats(size);
            source.get(image * size, in, 0, size);
            for (int ch = 0; ch < cc; ch++) {
                for (int y = 0; y < hh; y++) {
                    int pixels = (ch * hh + y) * ww;
                    // Row y of channel ch meets patch row y / p at offset (ch, y % p) of each patch.
                    int patchRow = (y / pp) * ow, inPatch = (ch * pp + y % pp) * pp;
                    for (int ox = 0; ox < ow; ox++) {
                        int cell = (patchRow + ox) * cc * pp * pp + inPatch, pixel = pixels + ox * pp;
                        for (int px = 0; px < pp; px++) {
                            if (toRows) {
                                out[cell + px] = in[pixel + px];
                            } else {
                                out[pixel + px] = in[cell + px];
                            }
                        }
                    }
                }
            }
            target.put(image * size, out, 0, size);
            Scratch.recycle(in, out);
        });
    }

    private boolean inJava(INDArray a) {
        return a.dataType() == DataType.FLOAT && b * c * h * w <= Integer.MAX_VALUE;
    }
}
