package org.fec.zoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.FecConfig;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.FecModels;
import org.fec.zoo.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code fec predict}: runs a model on an NCHW .npy and writes the results as .npy files. */
final class Predict {

    private Predict() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "num-classes", "checkpoint", "input", "output", "dtype"),
                Set.of("non-strict"));
        String model = a.required("model");
        FecConfig config = Args.model(model);
        List<Path> checkpoints = a.checkpoints();
        Path input = Path.of(a.required("input"));
        String output = a.required("output");
        DataType dataType = switch (a.optional("dtype", "float")) {
            case "float" -> DataType.FLOAT;
            case "double" -> DataType.DOUBLE;
            default -> throw new Args.UsageException("--dtype must be float or double");
        };
        Integer numClasses = a.optionalInteger("num-classes");

        INDArray x = Npy.read(input);
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException("Input " + input + " must be an NCHW image batch [B, 3, H, W], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        FecModels.Loaded loaded = FecModels.load(model, checkpoints, numClasses, dataType, !a.flag("non-strict"));
        if (!loaded.report().isComplete()) {
            System.err.println("fec predict: " + loaded.report());
        }
        ComputationGraph g = loaded.graph();
        Map<String, INDArray> acts = g.feedForward(new INDArray[]{x.castTo(dataType)}, false, false);
        String base = output.endsWith(".npy") ? output.substring(0, output.length() - 4) : output;
        if (config.forkFeat()) {
            for (String f : FecGraphs.FEATURES) {
                Path file = Path.of(base + "_" + f + ".npy");
                Npy.write(file, acts.get(f));
                System.out.println("wrote " + file + " " + java.util.Arrays.toString(acts.get(f).shape()));
            }
        } else {
            Path file = Path.of(base + ".npy");
            Npy.write(file, acts.get(FecGraphs.HEAD));
            System.out.println("wrote " + file + " " + java.util.Arrays.toString(acts.get(FecGraphs.HEAD).shape()));
        }
    }
}
