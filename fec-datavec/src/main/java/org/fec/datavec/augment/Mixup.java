package org.fec.datavec.augment;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

import java.util.SplittableRandom;

/**
 * timm's {@code Mixup} ({@code timm/data/mixup.py}) in mode 'batch' as a DL4J {@link DataSetPreProcessor} on NCHW
 * features with one-hot labels: with probability {@code prob} the batch is mixed with itself reversed (sample i
 * with sample N-1-i), by mixup ({@code lam x + (1 - lam) x_flipped}, lam ~ Beta(mixupAlpha, mixupAlpha)) or, with
 * probability {@code switchProb} when both are on, by CutMix (a box of side {@code sqrt(1 - lam)} times the image
 * side around a uniform centre, clipped to the image, copied from the flipped batch, lam ~ Beta(cutmixAlpha,
 * cutmixAlpha), then corrected to {@code 1 - box area / image area} as timm's {@code correct_lam}). Targets are
 * timm's {@code mixup_target}: labels smoothed to {@code off = smoothing / K}, {@code on = 1 - smoothing + off},
 * then {@code lam y + (1 - lam) y_flipped}; they are smoothed even when a batch is not mixed, so the trainer must not
 * smooth again.
 * <p>
 * timm requires an even batch; pairing i with N-1-i works for an odd batch too, where the middle sample is paired
 * with itself (mixup and CutMix leave it and its target unchanged), so odd batches (e.g. the last of an epoch) are
 * accepted. The random stream is this object's own, seeded, so runs are reproducible.
 */
public final class Mixup implements DataSetPreProcessor {

    private final double mixupAlpha;
    private final double cutmixAlpha;
    private final double prob;
    private final double switchProb;
    private final double smoothing;
    private final transient SplittableRandom rnd;
    private double lastLambda = 1;
    private int[] lastBox;

    public Mixup(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing, long seed) {
        if (mixupAlpha < 0 || cutmixAlpha < 0 || prob < 0 || prob > 1 || switchProb < 0 || switchProb > 1
                || smoothing < 0 || smoothing >= 1) {
            throw new IllegalArgumentException("Invalid mixup settings: mixup " + mixupAlpha + ", cutmix "
                    + cutmixAlpha + ", prob " + prob + ", switch prob " + switchProb + ", smoothing " + smoothing);
        }
        if (mixupAlpha == 0 && cutmixAlpha == 0) {
            throw new IllegalArgumentException("Mixup needs mixup alpha > 0 or cutmix alpha > 0");
        }
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
        this.prob = prob;
        this.switchProb = switchProb;
        this.smoothing = smoothing;
        this.rnd = new SplittableRandom(seed);
    }

    @Override
    public void preProcess(DataSet ds) {
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        int n = (int) x.size(0);
        double lam = 1;
        boolean cutmix = false;
        lastBox = null;
        if (rnd.nextDouble() < prob) {
            if (mixupAlpha > 0 && cutmixAlpha > 0) {
                cutmix = rnd.nextDouble() < switchProb;
                lam = cutmix ? beta(cutmixAlpha, rnd) : beta(mixupAlpha, rnd);
            } else if (mixupAlpha > 0) {
                lam = beta(mixupAlpha, rnd);
            } else {
                cutmix = true;
                lam = beta(cutmixAlpha, rnd);
            }
        }
        if (lam != 1) {
            INDArray flipped = reversed(x, n);
            if (cutmix) {
                int h = (int) x.size(2), w = (int) x.size(3);
                int[] box = cutmixBox(h, w, lam, rnd);
                lastBox = box;
                lam = 1 - (double) (box[1] - box[0]) * (box[3] - box[2]) / ((double) h * w);
                if (box[1] > box[0] && box[3] > box[2]) {
                    INDArrayIndex[] region = {NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.interval(box[0], box[1]), NDArrayIndex.interval(box[2], box[3])};
                    x.get(region).assign(flipped.get(region));
                }
            } else {
                x.muli(lam).addi(flipped.muli(1 - lam));
            }
        }
        lastLambda = lam;
        int classes = (int) y.size(1);
        double off = smoothing / classes;
        INDArray smooth = y.mul(1 - smoothing).addi(off);   // one-hot -> on = 1 - smoothing + off
        INDArray target = smooth.mul(lam).addi(reversed(smooth, n).muli(1 - lam));
        y.assign(target);
    }

    /** The lam of the last batch after the CutMix correction (1 when the batch was not mixed). */
    public double lastLambda() {
        return lastLambda;
    }

    /** The CutMix box of the last batch as {yl, yh, xl, xh}, or null when the last batch was not cut-mixed. */
    public int[] lastBox() {
        return lastBox == null ? null : lastBox.clone();
    }

    /**
     * timm's {@code rand_bbox}: cut side {@code int(side * sqrt(1 - lam))}, centre uniform in [0, H) x [0, W),
     * corners {@code centre -+ cut // 2} clipped to the image; returns {yl, yh, xl, xh}.
     */
    static int[] cutmixBox(int h, int w, double lam, SplittableRandom rnd) {
        double ratio = Math.sqrt(1 - lam);
        int cutH = (int) (h * ratio), cutW = (int) (w * ratio);
        int cy = rnd.nextInt(h), cx = rnd.nextInt(w);
        return new int[]{clip(cy - cutH / 2, h), clip(cy + cutH / 2, h), clip(cx - cutW / 2, w),
                clip(cx + cutW / 2, w)};
    }

    private static int clip(int v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }

    private static INDArray reversed(INDArray a, int n) {
        long[] idx = new long[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n - 1 - i;
        }
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = new SpecifiedIndex(idx);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return a.get(index).dup();
    }

    /** Beta(a, a) as X / (X + Y) of two Gamma(a) draws. */
    static double beta(double a, SplittableRandom rnd) {
        double x = gamma(a, rnd), y = gamma(a, rnd);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang; shape below 1 through Gamma(shape + 1) * U^(1/shape). */
    static double gamma(double shape, SplittableRandom rnd) {
        if (shape < 1) {
            double u = rnd.nextDouble();
            return gamma(shape + 1, rnd) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rnd.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rnd.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
