package org.fec.zoo.cli;

import org.fec.zoo.FecImport;
import org.fec.zoo.FecModels;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code fec import}: a PyTorch checkpoint to a DL4J model zip for a zoo entry. */
final class Import {

    private Import() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "num-classes", "checkpoint", "output"), Set.of("non-strict"));
        String model = a.required("model");
        Args.model(model);
        List<Path> checkpoints = a.checkpoints();
        Path output = Path.of(a.required("output"));
        Integer numClasses = a.optionalInteger("num-classes");
        FecModels.Loaded loaded = FecImport.importCheckpoint(model, checkpoints, numClasses, !a.flag("non-strict"),
                output);
        System.out.println(model + ": " + loaded.report());
        if (!loaded.report().unexpected().isEmpty()) {
            System.out.println("skipped: " + loaded.report().unexpected());
        }
        if (!loaded.report().missing().isEmpty()) {
            System.out.println("newly initialised: " + loaded.report().missing());
        }
        System.out.println("wrote " + output);
    }
}
