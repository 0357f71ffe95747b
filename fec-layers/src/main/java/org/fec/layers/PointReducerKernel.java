package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/** Native engine of {@link PointReducer}: position channels, then the patch convolution as one GEMM. */
final class PointReducerKernel implements Kernel {

    private final long b, ch, h, w, patch, out;
    private INDArray patches;

    PointReducerKernel(PointReducer conf, long[] shape) {
        this.b = shape[0];
        this.ch = shape[1] + 2;
        this.h = shape[2];
        this.w = shape[3];
        this.patch = conf.getPatch();
        this.out = conf.getOutChannels();
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        INDArray withPos = Nd4j.createUninitialized(input.dataType(), b, ch, h, w);
        withPos.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ch - 2)).assign(input);
        withPos.get(NDArrayIndex.all(), NDArrayIndex.interval(ch - 2, ch))
                .assign(positions(input.dataType()));
        long oh = h / patch, ow = w / patch;
        patches = withPos.reshape(b, ch, oh, patch, ow, patch).permute(0, 2, 4, 1, 3, 5).dup('c')
                .reshape(b * oh * ow, ch * patch * patch);
        return Tensors.linear(patches, kernel(p), p.get(PointReducer.BIAS)).reshape(b, oh, ow, out);
    }

    /** Position channels by batch, size and type. */
    private static final ConstantCache POSITIONS = new ConstantCache(8);

    private INDArray positions(DataType dataType) {
        return POSITIONS.get(b + ":" + h + "x" + w + ":" + dataType,
                () -> PointReducer.positionChannels(b, h, w, dataType));
    }

    private INDArray kernel(Map<String, INDArray> p) {
        return p.get(PointReducer.WEIGHT).reshape(out, ch * patch * patch);
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        long oh = h / patch, ow = w / patch;
        INDArray dOut = epsilon.dup('c').reshape(b * oh * ow, out);
        INDArray dKernel = Nd4j.createUninitialized(dOut.dataType(), out, ch * patch * patch);
        INDArray dPatches = Tensors.linearBackward(dOut, patches, kernel(p), dKernel, g.get(PointReducer.BIAS), true);
        g.get(PointReducer.WEIGHT).assign(dKernel.reshape(out, ch, patch, patch));
        INDArray dWithPos = dPatches.reshape(b, oh, ow, ch, patch, patch).permute(0, 3, 1, 4, 2, 5).dup('c')
                .reshape(b, ch, h, w);
        return dWithPos.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ch - 2)).dup('c');
    }
}
