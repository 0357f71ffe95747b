package org.fec.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff building blocks shared by the FEC layers. Activations inside a layer are channels-last
 * matrices {@code [batch * points, channels]} so that every 1x1 convolution / linear layer is one GEMM.
 */
public final class FecOps {

    /** GroupNorm epsilon of the reference ({@code nn.GroupNorm} default). */
    public static final double GROUP_NORM_EPS = 1e-5;
    /** {@code F.normalize} clamps the norm from below by this value. */
    public static final double NORMALIZE_EPS = 1e-12;

    /** Name of the hard-assignment variable [maps, N] of the first clustering op of a layer (see probe). */
    public static final String ASSIGNMENT = "assignment";

    private FecOps() {
    }

    /** {@code x W^T + b} for x [rows, in], W [out, in] (PyTorch layout), b [out]. */
    public static SDVariable linear(SDVariable x, SDVariable weight, SDVariable bias) {
        return x.mmul(weight.permute(1, 0)).add(bias);
    }

    /**
     * GroupNorm with one group: statistics over all points and channels of each sample (biased variance,
     * eps 1e-5), then a per-channel affine map.
     *
     * @param x [batch * points, channels]
     */
    public static SDVariable groupNorm1(SDVariable x, SDVariable gamma, SDVariable beta, long batch, long points,
                                        long channels) {
        SDVariable perSample = x.reshape(batch, points * channels);
        SDVariable centred = perSample.sub(perSample.mean(true, 1));
        SDVariable var = centred.mul(centred).mean(true, 1);
        SDVariable normed = centred.div(x.getSameDiff().math().sqrt(var.add(GROUP_NORM_EPS)));
        return normed.reshape(batch * points, channels).mul(gamma).add(beta);
    }

    /** Exact GELU {@code 0.5 x (1 + erf(x / sqrt 2))} (ND4J's own gelu is the sigmoid approximation). */
    public static SDVariable geluExact(SameDiff sd, SDVariable x) {
        SDVariable erf = sd.math().erf(x.mul(1.0 / Math.sqrt(2.0)));
        return x.mul(erf.add(1.0)).mul(0.5);
    }

    /** {@code x / max(||x||_2, 1e-12)} along the last axis of a rank-3 tensor, like {@code F.normalize(dim=-1)}. */
    public static SDVariable normalizeLastAxis(SameDiff sd, SDVariable x) {
        SDVariable norm = x.norm2(true, 2);
        return x.div(sd.math().max(norm, sd.constant(Nd4j.scalar(x.dataType(), NORMALIZE_EPS))));
    }

    /**
     * PyTorch {@code adaptive_avg_pool2d} of channels-last maps: x [maps, h * w, d] to [maps, outH * outW, d].
     * Bins that divide evenly use a reshape and a mean; otherwise (uneven / overlapping bins) two constant
     * pooling matrices are applied, one per spatial axis.
     */
    public static SDVariable adaptiveAvgPool(SameDiff sd, SDVariable x, long maps, long h, long w, long d,
                                             long outH, long outW) {
        if (h % outH == 0 && w % outW == 0) {
            SDVariable bins = x.reshape(maps, outH, h / outH, outW, w / outW, d);
            return bins.mean(false, 2, 4).reshape(maps, outH * outW, d);
        }
        DataType dt = x.dataType();
        SDVariable pw = sd.constant(AdaptivePooling.matrix(w, outW, dt));   // [outW, w]
        SDVariable ph = sd.constant(AdaptivePooling.matrix(h, outH, dt));   // [outH, h]
        // Plain 2-D products (ND4J's tensormmul backward is broken for these shapes).
        SDVariable rowsOfW = x.reshape(maps, h, w, d).permute(0, 1, 3, 2).reshape(maps * h * d, w);
        SDVariable alongW = rowsOfW.mmul(pw.permute(1, 0));                               // [maps*h*d, outW]
        SDVariable rowsOfH = alongW.reshape(maps, h, d * outW).permute(0, 2, 1).reshape(maps * d * outW, h);
        SDVariable alongH = rowsOfH.mmul(ph.permute(1, 0)).reshape(maps, d, outW, outH);
        return alongH.permute(0, 3, 2, 1).reshape(maps, outH * outW, d);
    }

    /**
     * Hard assignment of every point to its most similar centre (ties to the lowest index, as torch.max on CPU),
     * as a one-hot mask [maps, N, M]. It comes from an INT64 argmax, so autodiff treats it as a constant, like
     * the reference's {@code scatter_} mask.
     *
     * @param sim [maps, N, M] similarities of every point to every centre
     */
    public static SDVariable hardAssignment(SameDiff sd, SDVariable sim, int m) {
        String name = sd.hasVariable(ASSIGNMENT) ? null : ASSIGNMENT;
        SDVariable best = sd.argmax(name, sim, false, 2);                           // [maps, N]
        return sd.oneHot(best, m, -1, 1.0, 0.0, sim.dataType());
    }

    /**
     * Aggregates values into centres: {@code (sum of member values + centre value) / (members + 1)}.
     * The member sum is one batched product with the one-hot mask, which on CPU is far faster than ND4J's
     * segment sums and scatters.
     *
     * @param mask         [maps, N, M] one-hot assignment
     * @param values       [maps, N, d]
     * @param centreValues [maps, M, d]
     * @return [maps, M, d]
     */
    public static SDVariable aggregate(SameDiff sd, SDVariable mask, SDVariable values, SDVariable centreValues,
                                       long maps, long m) {
        SDVariable sums = sd.mmul(mask, values, true, false, false);
        SDVariable countPlusOne = mask.sum(true, 1).reshape(maps, m, 1).add(1.0);
        return sums.add(centreValues).div(countPlusOne);
    }

    /** Cosine similarity of every point to every centre: points [maps, N, d], centres [maps, M, d] to [maps, N, M]. */
    public static SDVariable cosineSimilarity(SameDiff sd, SDVariable points, SDVariable centres) {
        return sd.mmul(normalizeLastAxis(sd, points), normalizeLastAxis(sd, centres), false, true, false);
    }
}
