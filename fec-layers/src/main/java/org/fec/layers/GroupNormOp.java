package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
        long rows = x.size(0), c = x.size(1), perSampleCount = rows / batch * c;
        INDArray perSample = Tensors.contiguous(x).reshape(batch, perSampleCount);
        // Broadcasting sub/mul write straight into a new array; ND4J's sub/mulColumnVector copy first.
        INDArray centred = perSample.sub(perSample.mean(true, 1));
        // Biased variance from the centred values' norm: one read, no squared copy.
        INDArray norms = centred.norm2(true, 1);
        INDArray var = norms.muli(norms).divi(perSampleCount);
        invStd = Transforms.pow(var.addi(FecOps.GROUP_NORM_EPS), -0.5, false);
        normed = centred.muliColumnVector(invStd).reshape(rows, c);
        return Tensors.mulRowVector(normed, gamma).addiRowVector(beta);
    }

    /** Writes d gamma and d beta into the gradient views and returns dx. */
    INDArray backward(INDArray dy, INDArray gamma, INDArray dGamma, INDArray dBeta) {
        dy = Tensors.contiguous(dy);
        long rows = dy.size(0), c = dy.size(1), perSampleCount = rows / batch * c;
        // Per-sample channel sums of dy and of dy * normed give both the affine gradients (summed over samples)
        // and, dotted with gamma, the two per-sample means of the normalisation's backward pass.
        INDArray ones = Nd4j.ones(dy.dataType(), batch, 1, rows / batch);
        INDArray dyNormedSums = perSampleChannelSums(ones, dy.mul(normed), c);         // [batch, C]
        INDArray dySums = perSampleChannelSums(ones, dy, c);
        dGamma.assign(dyNormedSums.sum(0));
        dBeta.assign(dySums.sum(0));
        INDArray gammaColumn = gamma.reshape(c, 1);
        INDArray meanD = dySums.mmul(gammaColumn).divi(perSampleCount);             // [batch, 1]
        INDArray meanDn = dyNormedSums.mmul(gammaColumn).divi(perSampleCount);
        // dx = invStd * (dy * gamma - mean(dy * gamma) - normed * mean(dy * gamma * normed)), per sample
        INDArray n = normed.reshape(batch, perSampleCount);
        INDArray dx = Tensors.mulRowVector(dy, gamma).reshape(batch, perSampleCount);
        return dx.subiColumnVector(meanD).subi(n.mul(meanDn)).muliColumnVector(invStd).reshape(rows, c);
    }

    /** Per-sample sums of the rows of m [batch * points, C]: [batch, C], one product with ones [batch, 1, points]. */
    private INDArray perSampleChannelSums(INDArray ones, INDArray m, long c) {
        return Tensors.bmm(ones, m.reshape(batch, ones.size(2), c), false, false).reshape(batch, c);
    }
}
