package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Native engine of the {@link GroupNorm} layer. */
final class GroupNormKernel implements Kernel {

    private final long b, h, w, c;
    private final boolean nchw;
    private GroupNormOp norm;

    GroupNormKernel(GroupNorm conf, long[] shape) {
        this.b = shape[0];
        this.h = shape[1];
        this.w = shape[2];
        this.c = shape[3];
        this.nchw = conf.isOutputNchw();
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        norm = new GroupNormOp(b);
        INDArray y = norm.forward(Tensors.contiguous(input).reshape(b * h * w, c), p.get(GroupNorm.WEIGHT),
                p.get(GroupNorm.BIAS)).reshape(b, h, w, c);
        return nchw ? y.permute(0, 3, 1, 2).dup('c') : y;
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        INDArray rows = (nchw ? epsilon.permute(0, 2, 3, 1) : epsilon).dup('c').reshape(b * h * w, c);
        return norm.backward(rows, p.get(GroupNorm.WEIGHT), g.get(GroupNorm.WEIGHT), g.get(GroupNorm.BIAS))
                .reshape(b, h, w, c);
    }
}
