package org.fec.segmentation.train;

import java.nio.file.Path;
import org.fec.zoo.train.RunOptions;

/**
 * Options of {@link SegTrainer}; the defaults are the FEC authors' ADE20K recipe (Semantic FPN, AdamW lr 1e-4, weight
 * decay 1e-4, poly schedule power 0.9 to 0, 80k iterations of 16 crops of 512x512, random rescale of (2048, 512) by
 * 0.5-2.0, cat_max_ratio 0.75, flips, photometric distortion, evaluation every 8k iterations). {@link #data} is the
 * ADE20K root ({@code ADEChallengeData2016} or its parent); {@link #initCheckpoints} may hold an FEC ImageNet
 * checkpoint (backbone only), an mmseg checkpoint or a DL4J zip.
 */
public final class SegTrainConfig extends RunOptions {
    public String model = "fec_small_seg";
    public Path output = Path.of("fec-seg-train");
    public int numClasses = 150;
    public boolean reduceZeroLabel = true;
    public int iterations = 80_000;
    public int batch = 16;
    public int crop = 512;
    /** Training rescale target (long side, short side) before the ratio, and the evaluation size. */
    public int scaleLong = 2048;
    public int scaleShort = 512;
    public double minRatio = 0.5;
    public double maxRatio = 2.0;
    public double lr = 1e-4;
    public double weightDecay = 1e-4;
    public double power = 0.9;
    public double minLr = 0.0;
    /** Evaluate on the validation split every this many iterations (and at the end); 0 = only at the end. */
    public int evalInterval = 8000;
    /** Write {@code last.zip} every this many iterations (and at the end). */
    public int checkpointInterval = 2000;
    /** Evaluate on at most this many validation images (0 = all). */
    public int evalImages;
}
