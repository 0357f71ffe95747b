package org.fec.zoo.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.io.AtomicFiles;

/** What every trainer of the project shares: atomic checkpoints with a state object, and the DL4J dashboard. */
public final class TrainingSupport {

    private TrainingSupport() {
    }

    /**
     * Writes {@code model} (with updater state) and {@code state} (stored under {@code stateKey}) to
     * {@code dir/lastName} through a temporary file and a rename, and also to {@code dir/bestName} when
     * {@code best}: a crash never leaves a partial checkpoint behind.
     */
    public static void saveCheckpoint(ComputationGraph model, Path dir, String lastName, String bestName,
                                      boolean best, String stateKey, Map<String, String> state) throws IOException {
        Path last = dir.resolve(lastName);
        AtomicFiles.write(last, tmp -> {
            ModelSerializer.writeModel(model, tmp.toFile(), true);
            ModelSerializer.addObjectToFile(tmp.toFile(), stateKey, state);
        });
        if (best) {
            AtomicFiles.write(dir.resolve(bestName), tmp -> Files.copy(last, tmp, StandardCopyOption.REPLACE_EXISTING));
        }
    }

    /**
     * Attaches DL4J's {@link StatsListener} when a dashboard port or a statistics file is given, recording every
     * {@link RunOptions#statsEvery} iterations: statistics go to the SQLite file (servable later by {@code fec ui})
     * or to memory, and with a port the UI server starts.
     *
     * @return the UI server, or null when none was started
     */
    public static UIServer attachDashboard(ComputationGraph model, RunOptions options, PrintStream progress) {
        Integer uiPort = options.uiPort;
        Path statsFile = options.statsFile;
        if (uiPort == null && statsFile == null) {
            return null;
        }
        StatsStorage stats = statsFile != null ? new J7FileStatsStorage(statsFile.toFile()) : new InMemoryStatsStorage();
        model.setListeners(new StatsListener(stats, options.statsEvery));
        if (uiPort == null) {
            return null;
        }
        System.setProperty("org.deeplearning4j.ui.port", Integer.toString(uiPort));
        UIServer ui = UIServer.getInstance();
        ui.attach(stats);
        progress.printf("DL4J UI dashboard: http://localhost:%d/train/overview%n", ui.getPort());
        return ui;
    }

    /** A 30-character console progress bar, {@code [=====     ]}. */
    public static String progressBar(long done, long total) {
        int width = 30, filled = (int) Math.min(width, width * done / Math.max(total, 1));
        return "[" + "=".repeat(filled) + " ".repeat(width - filled) + "]";
    }

    /** The learning rate that the updater of {@code vertex}'s parameter {@code param} uses now. */
    public static double learningRate(ComputationGraph model, String vertex, String param) {
        return model.getLayer(vertex).conf().getLayer().getUpdaterByParam(param)
                .getLearningRate(model.getIterationCount(), model.getEpochCount());
    }
}
