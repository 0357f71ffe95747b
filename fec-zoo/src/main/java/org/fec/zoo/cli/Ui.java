package org.fec.zoo.cli;

import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.storage.sqlite.J7FileStatsStorage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code fec ui --stats-file F [--port P]}: serves stored training statistics in the DL4J dashboard. */
final class Ui {

    private Ui() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("stats-file", "port"), Set.of());
        Path file = Path.of(a.required("stats-file"));
        if (!Files.isRegularFile(file)) {
            throw new java.io.IOException("Statistics file not found: " + file);
        }
        System.setProperty("org.deeplearning4j.ui.port", Integer.toString(a.integer("port", 9000)));
        UIServer ui = UIServer.getInstance();
        ui.attach(new J7FileStatsStorage(file.toFile()));
        System.out.printf("DL4J UI dashboard: http://localhost:%d/train/overview (Ctrl-C to stop)%n", ui.getPort());
        Thread.currentThread().join();
    }
}
