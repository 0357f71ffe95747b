package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Eager GroupNorm with one group on channels-last rows [batch * points, channels]: statistics over all points and
 * channels of a sample (biased variance, eps 1e-5), per-channel affine. Keeps what its backward pass needs.
 */
final class GroupNormOp {

    private final long batch;
    private INDArray normed;      // [rows, C]
    private INDArray invStd;      // [batch, 1]

    GroupNormOp(long batch) {
        this.batch = batch;
    }

    INDArray forward(INDArray x, INDArray gamma, INDArray beta) {
        long rows = x.size(0), c = x.size(1);
        INDArray perSample = Tensors.contiguous(x).reshape(batch, rows / batch * c);
        INDArray mean = perSample.mean(true, 1);
        INDArray centred = perSample.subColumnVector(mean);
        INDArray var = centred.mul(centred).mean(true, 1);
        invStd = Transforms.pow(var.addi(FecOps.GROUP_NORM_EPS), -0.5, false);
        normed = centred.muliColumnVector(invStd).reshape(rows, c);
        return normed.mulRowVector(gamma).addiRowVector(beta);
    }

    /** Writes d gamma and d beta into the gradient views and returns dx. */
    INDArray backward(INDArray dy, INDArray gamma, INDArray dGamma, INDArray dBeta) {
        dy = Tensors.contiguous(dy);
        long rows = dy.size(0), c = dy.size(1);
        dGamma.assign(Tensors.columnSums(dy.mul(normed)));
        dBeta.assign(Tensors.columnSums(dy));
        INDArray dNormed = dy.mulRowVector(gamma).reshape(batch, rows / batch * c);
        INDArray n = normed.reshape(batch, rows / batch * c);
        INDArray meanD = dNormed.mean(true, 1);
        INDArray meanDn = dNormed.mul(n).mean(true, 1);
        // dx = invStd * (dNormed - mean(dNormed) - normed * mean(dNormed * normed)), per sample
        INDArray dx = dNormed.subiColumnVector(meanD).subi(n.mulColumnVector(meanDn)).muliColumnVector(invStd);
        return dx.reshape(rows, c);
    }
}
