package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.stream.IntStream;

/**
 * Eager GroupNorm with one group on channels-last rows [batch * points, channels]: statistics over all points and
 * channels of a sample (biased variance, eps 1e-5), per-channel affine. Keeps what its backward pass needs.
 */
final class GroupNormOp {

    private final long batch;
    private final boolean keepForBackward;
    private INDArray normed;      // [rows, C]
    private INDArray invStd;      // [batch, 1]

    GroupNormOp(long batch) {
        this(batch, true);
    }

    /** @param keepForBackward false when no backward pass follows (inference): the normalised rows are not kept */
    GroupNormOp(long batch, boolean keepForBackward) {
        this.batch = batch;
        this.keepForBackward = keepForBackward;
    }

    INDArray forward(INDArray x, INDArray gamma, INDArray beta) {
        if (x.dataType() == DataType.FLOAT && x.length() <= Integer.MAX_VALUE) {
            return forwardFloat(x, gamma, beta);
        }
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

    /**
     * The float forward pass as Java loops, one sample per fork-join task: libnd4j took six passes over the rows
     * (mean, centring, norm, scaling, affine scale and shift), here four over a sample held in a heap array (the
     * last three in cache). Every loop indexes all its arrays alike (gamma and beta are tiled to a whole sample):
     * HotSpot (17) compiles a loop to SIMD instructions only then, e.g. not {@code y[base + j] = .. gamma[j]}.
     */
    private INDArray forwardFloat(INDArray x, INDArray gamma, INDArray beta) {
        int rows = (int) x.size(0), c = (int) x.size(1), points = (int) (rows / batch), size = points * c;
        INDArray in = Tensors.standalone(x);
        float[] g = Tensors.tiledChannels(gamma, size), b = Tensors.tiledChannels(beta, size);
        normed = keepForBackward ? Nd4j.createUninitialized(DataType.FLOAT, rows, c) : null;
        float[] scales = new float[(int) batch];
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        IntStream.range(0, (int) batch).parallel().forEach(sample -> {
            float[] v = Scratch.floats(size);
            in.data().asNioFloat().get(sample * size, v, 0, size);
            double[] sums = new double[c], squares = new double[c];
            Tensors.addChannelSums(v, null, size, c, sums);
            float mean = (float) (sumOf(sums) / size);
            for (int i = 0; i < size; i++) {
                v[i] -= mean;                                    // centred in place (the sample sits in cache)
            }
            Tensors.addChannelSums(v, v, size, c, squares);
            float scale = (float) (1.0 / Math.sqrt(sumOf(squares) / size + FecOps.GROUP_NORM_EPS));
            float[] y = Scratch.floats(size);
            for (int i = 0; i < size; i++) {
                float n = v[i] * scale;
                v[i] = n;
                y[i] = n * g[i] + b[i];
            }
            if (normed != null) {
                normed.data().asNioFloat().put(sample * size, v, 0, size);
            }
            out.data().asNioFloat().put(sample * size, y, 0, size);
            Scratch.recycle(v, y);
            scales[sample] = scale;
        });
        Scratch.recycle(g, b);
        invStd = Nd4j.createFromArray(scales).reshape(batch, 1);
        return out;
    }

    private static double sumOf(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }

    /** Writes d gamma and d beta into the gradient views and returns dx. */
    INDArray backward(INDArray dy, INDArray gamma, INDArray dGamma, INDArray dBeta) {
        if (normed == null) {
            throw new IllegalStateException("GroupNorm backward pass without a forward pass that kept its state");
        }
        if (dy.dataType() == DataType.FLOAT && normed.dataType() == DataType.FLOAT
                && dy.length() <= Integer.MAX_VALUE) {
            return backwardFloat(dy, gamma, dGamma, dBeta);
        }
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

    /**
     * The float backward pass as Java loops, one sample per fork-join task: per-channel sums of dy and dy * normed
     * in one pass, dx in a second (libnd4j took about eight). The affine gradients add the samples' channel sums in
     * sample order.
     */
    private INDArray backwardFloat(INDArray dy, INDArray gamma, INDArray dGamma, INDArray dBeta) {
        int rows = (int) dy.size(0), c = (int) dy.size(1), points = (int) (rows / batch), size = points * c;
        INDArray gradient = Tensors.standalone(dy), saved = Tensors.standalone(normed);
        float[] g = gamma.castTo(DataType.FLOAT).toFloatVector(), scales = invStd.toFloatVector();
        float[] gTiled = Tensors.tiledChannels(gamma, size);
        double[][] dySums = new double[(int) batch][c], dyNormedSums = new double[(int) batch][c];
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        IntStream.range(0, (int) batch).parallel().forEach(sample -> {
            float[] d = Scratch.floats(size), n = Scratch.floats(size);
            gradient.data().asNioFloat().get(sample * size, d, 0, size);
            saved.data().asNioFloat().get(sample * size, n, 0, size);
            Tensors.addChannelSums(d, null, size, c, dySums[sample]);
            Tensors.addChannelSums(d, n, size, c, dyNormedSums[sample]);
            double meanD = 0, meanDn = 0;
            for (int k = 0; k < c; k++) {
                meanD += g[k] * dySums[sample][k];
                meanDn += g[k] * dyNormedSums[sample][k];
            }
            // dx = invStd * (dy * gamma - mean(dy * gamma) - normed * mean(dy * gamma * normed))
            float md = (float) (meanD / size), mdn = (float) (meanDn / size), scale = scales[sample];
            for (int i = 0; i < size; i++) {
                d[i] = (d[i] * gTiled[i] - md - n[i] * mdn) * scale;
            }
            dx.data().asNioFloat().put(sample * size, d, 0, size);
            Scratch.recycle(d, n);
        });
        Scratch.recycle(gTiled);
        Tensors.assignSumInOrder(dyNormedSums, dGamma);
        Tensors.assignSumInOrder(dySums, dBeta);
        return dx;
    }

    /** Per-sample sums of the rows of m [batch * points, C]: [batch, C], one product with ones [batch, 1, points]. */
    private INDArray perSampleChannelSums(INDArray ones, INDArray m, long c) {
        return Tensors.bmm(ones, m.reshape(batch, ones.size(2), c), false, false).reshape(batch, c);
    }
}
