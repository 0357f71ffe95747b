package org.fec.zoo.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@link Trainer}; the defaults are the reference's ImageNet recipe where this trainer implements it
 * (AdamW, lr 1e-3 per 1024 images, weight decay 0.05 on weight matrices only, 5 warm-up epochs from 1e-6, cosine to
 * 1e-5, drop path 0.1, label smoothing 0.1, random-resized crop 0.08-1 and flips, evaluation at 224 / 0.9).
 */
public final class TrainConfig {
    public String model = "fec_small";
    /** Folder with {@code train/} and {@code val/}, each in ImageNet layout. */
    public Path data;
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
    public int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    public long seed = 42;
    /** Continue from {@code output/last.zip}. */
    public boolean resume;
    /** Starting weights (PyTorch checkpoints or a DL4J zip); empty means a fresh initialisation. */
    public List<Path> initCheckpoints = new ArrayList<>();
    /** Start the DL4J UI dashboard on this port; null means no dashboard. */
    public Integer uiPort;
    /** Store the dashboard statistics in this SQLite file (J7FileStatsStorage). */
    public Path statsFile;
    /** Stop after this many iterations of the current run (for tests of kill and resume); 0 means no limit. */
    public int stopAfterIterations;

    public double peakLr() {
        return lr != null ? lr : 1e-3 * batch / 1024.0;
    }
}
