package org.fec.layers;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Native engine of {@link Conv2d}: per image, the k*k shifted windows of the zero-padded input are copied into a
 * column matrix [in*k*k, H*W] (row order (c, ky, kx) = PyTorch's weight layout flattened), then one GEMM with the
 * [out, in*k*k] weight gives the [out, H*W] output. The backward pass rebuilds the columns per image.
 */
final class Conv2dKernel implements Kernel {

    private final long b, in, h, w, out, outH, outW;
    private final int k, pad;
    private final boolean hasBias;
    private INDArray padded;

    Conv2dKernel(Conv2d conf, long[] shape) {
        this.b = shape[0];
        this.in = shape[1];
        this.h = shape[2];
        this.w = shape[3];
        this.out = conf.getOut();
        this.k = conf.getKernel();
        this.pad = conf.getPadding();
        this.hasBias = conf.isHasBias();
        this.outH = h + 2L * pad - k + 1;
        this.outW = w + 2L * pad - k + 1;
    }

    private boolean pointwise() {
        return k == 1 && pad == 0;
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        INDArray x = Tensors.contiguous(input);
        INDArray weight = Tensors.contiguous(p.get(Conv2d.WEIGHT)).reshape('c', out, in * k * k);
        INDArray y = Nd4j.createUninitialized(x.dataType(), b, out, outH * outW);
        if (pointwise()) {
            padded = x;
            INDArray maps = x.reshape('c', b, in, h * w);
            for (long i = 0; i < b; i++) {
                Nd4j.gemm(weight, maps.slice(i), y.slice(i), false, false, 1.0, 0.0);
            }
        } else {
            padded = Nd4j.create(x.dataType(), b, in, h + 2L * pad, w + 2L * pad);
            padded.get(all(), all(), NDArrayIndex.interval(pad, pad + h), NDArrayIndex.interval(pad, pad + w))
                    .assign(x);
            INDArray cols = Nd4j.createUninitialized(x.dataType(), in, k, k, outH, outW);
            for (long i = 0; i < b; i++) {
                fillColumns(cols, padded.slice(i));
                Nd4j.gemm(weight, cols.reshape('c', in * k * k, outH * outW), y.slice(i), false, false, 1.0, 0.0);
            }
        }
        if (hasBias) {
            Nd4j.exec(new BroadcastAddOp(y, p.get(Conv2d.BIAS).reshape(out), y, 1));
        }
        return y.reshape('c', b, out, outH, outW);
    }

    /** Copies the k*k windows of one padded image [in, H+2p, W+2p] into cols [in, k, k, outH, outW]. */
    private void fillColumns(INDArray cols, INDArray image) {
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                cols.get(all(), NDArrayIndex.point(ky), NDArrayIndex.point(kx), all(), all())
                        .assign(image.get(all(), NDArrayIndex.interval(ky, ky + outH),
                                NDArrayIndex.interval(kx, kx + outW)));
            }
        }
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        INDArray dy = Tensors.contiguous(epsilon).reshape('c', b, out, outH * outW);
        INDArray weight = Tensors.contiguous(p.get(Conv2d.WEIGHT)).reshape('c', out, in * k * k);
        INDArray dWeight = Nd4j.zeros(dy.dataType(), out, in * k * k);
        if (hasBias) {
            g.get(Conv2d.BIAS).assign(dy.sum(0, 2).reshape(g.get(Conv2d.BIAS).shape()));
        }
        INDArray dCols = Nd4j.createUninitialized(dy.dataType(), in * k * k, outH * outW);
        if (pointwise()) {
            INDArray maps = padded.reshape('c', b, in, h * w);
            INDArray dx = Nd4j.createUninitialized(dy.dataType(), b, in, h * w);
            for (long i = 0; i < b; i++) {
                Nd4j.gemm(dy.slice(i), maps.slice(i), dWeight, false, true, 1.0, 1.0);
                Nd4j.gemm(weight, dy.slice(i), dx.slice(i), true, false, 1.0, 0.0);
            }
            g.get(Conv2d.WEIGHT).assign(dWeight.reshape(g.get(Conv2d.WEIGHT).shape()));
            return dx.reshape('c', b, in, h, w);
        }
        INDArray dPadded = Nd4j.create(dy.dataType(), padded.shape());
        INDArray cols = Nd4j.createUninitialized(dy.dataType(), in, k, k, outH, outW);
        for (long i = 0; i < b; i++) {
            fillColumns(cols, padded.slice(i));
            Nd4j.gemm(dy.slice(i), cols.reshape('c', in * k * k, outH * outW), dWeight, false, true, 1.0, 1.0);
            Nd4j.gemm(weight, dy.slice(i), dCols, true, false, 1.0, 0.0);
            INDArray windows = dCols.reshape('c', in, k, k, outH, outW);
            INDArray image = dPadded.slice(i);
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    image.get(all(), NDArrayIndex.interval(ky, ky + outH), NDArrayIndex.interval(kx, kx + outW))
                            .addi(windows.get(all(), NDArrayIndex.point(ky), NDArrayIndex.point(kx), all(), all()));
                }
            }
        }
        g.get(Conv2d.WEIGHT).assign(dWeight.reshape(g.get(Conv2d.WEIGHT).shape()));
        return dPadded.get(all(), all(), NDArrayIndex.interval(pad, pad + h), NDArrayIndex.interval(pad, pad + w))
                .dup('c');
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
