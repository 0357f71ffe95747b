package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/**
 * Native engine of {@link PointReducer}: the patch convolution over the image and its two position channels as
 * products. The position channels are the same in every image, so their share of the output plus the bias is one
 * [H/p*W/p, out] map, computed once per pass and copied to every image; the image's patches then add onto it in one
 * product. (Appending the position channels to each image first cost a copy of the batch, and the patch
 * rearrangement of five channels instead of three.)
 */
final class PointReducerKernel implements Kernel {

    private final long b, c, h, w, patch, out, points;
    private final ImagePatches imagePatches;
    private INDArray patches;   // the image's patch rows, kept for the backward pass

    PointReducerKernel(PointReducer conf, long[] shape) {
        this.b = shape[0];
        this.c = shape[1];
        this.h = shape[2];
        this.w = shape[3];
        this.patch = conf.getPatch();
        this.out = conf.getOutChannels();
        this.points = (h / patch) * (w / patch);
        this.imagePatches = new ImagePatches(b, c, h, w, patch);
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        DataType dt = input.dataType();
        patches = imagePatches.rows(Tensors.contiguous(input));                  // [B*points, C*p*p]
        INDArray perPoint = Tensors.linear(positionPatches(dt), kernel(p, true), p.get(PointReducer.BIAS));
        INDArray y = Nd4j.createUninitialized(dt, b * points, out);
        INDArray perImage = y.reshape(b, points * out);
        Nd4j.exec(new BroadcastCopyOp(perImage, perPoint.reshape(points * out), perImage, 1));
        Nd4j.gemm(patches, kernel(p, false), y, false, true, 1.0, 1.0);
        return y.reshape(b, h / patch, w / patch, out);
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        DataType dt = epsilon.dataType();
        INDArray dOut = epsilon.dup('c').reshape(b * points, out);
        long imageColumns = c * patch * patch, positionColumns = 2 * patch * patch;
        INDArray dImageKernel = Nd4j.createUninitialized(dt, out, imageColumns);
        INDArray dPatches = Tensors.linearBackward(dOut, patches, kernel(p, false), dImageKernel,
                g.get(PointReducer.BIAS), true);
        // The per-point map's gradient is the output's, summed over the images.
        INDArray dPerPoint = dOut.reshape(b, points * out).sum(0).reshape(points, out);
        INDArray dPositionKernel = Nd4j.createUninitialized(dt, out, positionColumns);
        Tensors.linearBackward(dPerPoint, positionPatches(dt), kernel(p, true), dPositionKernel, null, false);
        INDArray dKernel = Nd4j.createUninitialized(dt, out, imageColumns + positionColumns);
        dKernel.get(NDArrayIndex.all(), NDArrayIndex.interval(0, imageColumns)).assign(dImageKernel);
        dKernel.get(NDArrayIndex.all(), NDArrayIndex.interval(imageColumns, imageColumns + positionColumns))
                .assign(dPositionKernel);
        g.get(PointReducer.WEIGHT).assign(dKernel.reshape(out, c + 2, patch, patch));
        return imagePatches.images(dPatches);
    }

    /** The weight's columns [out, C*p*p] for the image channels, or [out, 2*p*p] for the position channels. */
    private INDArray kernel(Map<String, INDArray> p, boolean positions) {
        long imageColumns = c * patch * patch;
        INDArray all = p.get(PointReducer.WEIGHT).reshape(out, (c + 2) * patch * patch);
        return Tensors.contiguous(all.get(NDArrayIndex.all(), positions
                ? NDArrayIndex.interval(imageColumns, imageColumns + 2 * patch * patch)
                : NDArrayIndex.interval(0, imageColumns)));
    }

    /** Patch rows [points, 2*p*p] of the position channels, by size and type. */
    private static final ConstantCache POSITIONS = new ConstantCache(8);

    private INDArray positionPatches(DataType dataType) {
        return POSITIONS.get(h + "x" + w + "/" + patch + ":" + dataType, () -> new ImagePatches(1, 2, h, w, patch)
                .rows(PointReducer.positionChannels(1, h, w, dataType)));
    }
}
