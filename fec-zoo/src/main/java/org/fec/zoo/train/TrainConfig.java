package org.fec.zoo.train;

import java.nio.file.Path;

/**
 * Options of {@link Trainer}; the defaults are the reference's ImageNet recipe where this trainer implements it
 * (AdamW, lr 1e-3 per 1024 images, weight decay 0.05 on weight matrices only, 5 warm-up epochs from 1e-6, cosine to
 * 1e-5, drop path 0.1, label smoothing 0.1, random-resized crop 0.08-1 and flips, evaluation at 224 / 0.9).
 * {@link #data} is a folder with {@code train/} and {@code val/}, each in ImageNet layout.
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

    public double peakLr() {
        return lr != null ? lr : 1e-3 * batch / 1024.0;
    }
}
