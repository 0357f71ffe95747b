package org.fec.zoo.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every training run of the project has, whatever the task. */
public class RunOptions {
    /** The data set's root folder. */
    public Path data;
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
    /**
     * Record dashboard statistics every this many iterations. DL4J's StatsListener computes histograms of every
     * parameter, gradient and update array each time it records (about 0.4 s for FEC-Small), so every iteration
     * would slow a 32x32 training step by a third.
     */
    public int statsEvery = 10;
    /** Stop after this many iterations of the current run (for tests of kill and resume); 0 means no limit. */
    public int stopAfterIterations;
}
