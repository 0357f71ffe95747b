package org.fec.zoo.train;

import org.fec.datavec.TrainTransform;
import org.fec.datavec.augment.Mixup;

import java.nio.file.Path;

/**
 * Options of {@link Trainer}; the defaults are the reference's ImageNet recipe (timm's train.py): AdamW, lr 1e-3 per
 * 1024 images, weight decay 0.05 on weight matrices only, 5 warm-up epochs from 1e-6, cosine to 1e-5, drop path 0.1,
 * label smoothing 0.1, random-resized crop 0.08-1 and flips, RandAugment rand-m9-mstd0.5-inc1, random erasing 0.25,
 * mixup 0.8 / CutMix 1.0, evaluation at 224 / 0.9. Colour jitter 0.4 is set as in timm but, as in timm, only used
 * when auto-augment is off. {@link #data} is a folder with {@code train/} and {@code val/}, each in ImageNet layout.
 */
public final class TrainConfig extends RunOptions {
    public String model = "fec_small";
    /** Where checkpoints ({@code last.zip}, {@code best.zip}) and the summary go. */
    public Path output = Path.of("fec-train");
    public int epochs = 300;
    public int batch = 128;
    /** Peak learning rate; null means 1e-3 * batch / 1024. */
    public Double lr;
    public double minLr = 1e-5;
    public double warmupLr = 1e-6;
    public int warmupEpochs = 5;
    public double weightDecay = 0.05;
    public double dropPath = 0.1;
    public double labelSmoothing = 0.1;
    public int size = 224;
    public double minScale = 0.08;
    /** timm auto-augment string (RandAugment only); "none" switches it off. */
    public String autoAugment = "rand-m9-mstd0.5-inc1";
    /** Random-erasing probability (mode 'pixel', one box); 0 switches it off. */
    public double reprob = 0.25;
    /** Colour-jitter strength for brightness, contrast and saturation; used only when auto-augment is off. */
    public double colorJitter = 0.4;
    /** Mixup Beta alpha; 0 switches mixup off. */
    public double mixup = 0.8;
    /** CutMix Beta alpha; 0 switches CutMix off. */
    public double cutmix = 1.0;
    /** Probability that a batch is mixed at all. */
    public double mixupProb = 1.0;
    /** Probability of CutMix instead of mixup when both are on. */
    public double mixupSwitchProb = 0.5;

    /** Whether batches go through mixup/CutMix (which then also applies the label smoothing). */
    public boolean mixupActive() {
        return mixup > 0 || cutmix > 0;
    }

    /** This recipe's per-image training transform, normalising with {@code mean} / {@code std}. */
    public TrainTransform trainTransform(double[] mean, double[] std, long seed) {
        return TrainTransform.timm(size, minScale, mean, std, autoAugment, colorJitter, reprob, seed);
    }

    /** This recipe's batch mixing (which also smooths the labels), or null when mixup and CutMix are off. */
    public Mixup batchMixing(long seed) {
        return mixupActive() ? new Mixup(mixup, cutmix, mixupProb, mixupSwitchProb, labelSmoothing, seed) : null;
    }

    public double peakLr() {
        return lr != null ? lr : 1e-3 * batch / 1024.0;
    }
}
