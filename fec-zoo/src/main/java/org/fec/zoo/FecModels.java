package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.torch.TorchCheckpoint;
import org.fec.zoo.torch.TorchTensor;
import org.fec.zoo.weights.LoadReport;
import org.fec.zoo.weights.StateDictLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/** Creates FEC graphs by reference name and loads weights from PyTorch checkpoints or DL4J model zips. */
public final class FecModels {

    private FecModels() {
    }

    /** A loaded model and what loading it did. */
    public record Loaded(ComputationGraph graph, LoadReport report) {
    }

    /**
     * Loads a model from checkpoint files: one DL4J model zip (written by {@code ModelSerializer}), or one or more
     * PyTorch checkpoints ({@code .pth}, {@code .pth.tar}; keys of several files are merged) into a new graph of
     * {@code name}.
     *
     * @param numClasses classes of a classifier head; when null, taken from the checkpoint's {@code head.weight}
     *                   (1000 if it has none)
     * @param strict     PyTorch checkpoints only: fail unless the keys and shapes match the model exactly
     */
    public static Loaded load(String name, List<Path> checkpoints, Integer numClasses, DataType dataType,
                              boolean strict) throws IOException {
        FecConfig config = FecConfig.named(name);
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException("No checkpoint given");
        }
        for (Path p : checkpoints) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("Checkpoint not found: " + p);
            }
        }
        if (checkpoints.size() == 1 && isDl4jModel(checkpoints.get(0))) {
            ComputationGraph g = ModelSerializer.restoreComputationGraph(checkpoints.get(0).toFile(), false);
            if (g.params().dataType() != dataType) {
                g = g.convertDataType(dataType);
            }
            return new Loaded(g, new LoadReport(List.of(), List.of(), List.of(), List.of()));
        }
        TorchCheckpoint ckpt = TorchCheckpoint.read(checkpoints);
        Map<String, INDArray> stateDict = new LinkedHashMap<>();
        for (Map.Entry<String, TorchTensor> e : ckpt.stateDict().entrySet()) {
            stateDict.put(e.getKey(), e.getValue().toINDArray(dataType));
        }
        int classes = numClasses != null ? numClasses
                : stateDict.containsKey("head.weight") ? (int) stateDict.get("head.weight").size(0) : 1000;
        ComputationGraph graph = FecGraphs.create(config, new FecGraphs.Options().numClasses(classes)
                .dataType(dataType));
        List<String> names = new ArrayList<>();
        checkpoints.forEach(p -> names.add(p.toString()));
        LoadReport report = StateDictLoader.load(graph, stateDict, String.join(", ", names), strict);
        return new Loaded(graph, report);
    }

    /** True for a zip written by DL4J's ModelSerializer. */
    public static boolean isDl4jModel(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry("configuration.json") != null && zip.getEntry("coefficients.bin") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
