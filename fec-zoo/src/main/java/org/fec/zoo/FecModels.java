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
        checkFiles(checkpoints);
        if (checkpoints.size() == 1 && isDl4jModel(checkpoints.get(0))) {
            return loadDl4jZip(name, checkpoints.get(0), dataType);
        }
        Map<String, INDArray> stateDict = readStateDict(checkpoints, dataType);
        int classes = numClasses != null ? numClasses
                : stateDict.containsKey("head.weight") ? (int) stateDict.get("head.weight").size(0) : 1000;
        ComputationGraph graph = FecGraphs.create(config, new FecGraphs.Options().numClasses(classes)
                .dataType(dataType));
        List<String> names = new ArrayList<>();
        checkpoints.forEach(p -> names.add(p.toString()));
        String source = String.join(", ", names);
        if (config.forkFeat() && stateDict.containsKey("head.weight")) {
            return new Loaded(graph, loadClassifierIntoBackbone(graph, stateDict, source, strict));
        }
        return new Loaded(graph, StateDictLoader.load(graph, stateDict, source, strict));
    }

    /**
     * A classifier checkpoint in a dense-prediction backbone, as the reference does before fine-tuning on ADE20K or
     * COCO: the head and final norm are skipped and the per-stage norms keep their fresh initialisation. In strict
     * mode anything else that does not match is still an error.
     */
    private static LoadReport loadClassifierIntoBackbone(ComputationGraph graph, Map<String, INDArray> stateDict,
                                                         String source, boolean strict) {
        Map<String, INDArray> backboneKeys = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
            if (e.getKey().startsWith("head.") || e.getKey().startsWith("norm.")) {
                skipped.add(e.getKey());
            } else {
                backboneKeys.put(e.getKey(), e.getValue());
            }
        }
        LoadReport r = StateDictLoader.load(graph, backboneKeys, source, false);
        boolean onlyStageNorms = r.missing().stream().allMatch(k -> k.matches("norm[0246]\\.(weight|bias)"));
        if (strict && (!onlyStageNorms || !r.unexpected().isEmpty() || !r.mismatched().isEmpty())) {
            throw new IllegalArgumentException("Checkpoint " + source + " does not fit the backbone: " + r);
        }
        List<String> unexpected = new ArrayList<>(skipped);
        unexpected.addAll(r.unexpected());
        return new LoadReport(r.loaded(), r.missing(), unexpected, r.mismatched());
    }

    private static Loaded loadDl4jZip(String name, Path zip, DataType dataType) throws IOException {
        Map<String, String> meta = FecImport.metadata(zip);
        if (meta != null && meta.get("model") != null && !meta.get("model").equals(name)) {
            throw new IllegalArgumentException("Model zip " + zip + " holds " + meta.get("model") + ", not " + name);
        }
        ComputationGraph g = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        if (g.params().dataType() != dataType) {
            g = g.convertDataType(dataType);
        }
        return new Loaded(g, new LoadReport(List.of(), List.of(), List.of(), List.of()));
    }

    /** Fails unless at least one checkpoint is given and every one is an existing file. */
    public static void checkFiles(List<Path> checkpoints) throws IOException {
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException("No checkpoint given");
        }
        for (Path p : checkpoints) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("Checkpoint not found: " + p);
            }
        }
    }

    /** The tensors of PyTorch checkpoints (keys of several files merged) in {@code dataType}. */
    public static Map<String, INDArray> readStateDict(List<Path> checkpoints, DataType dataType) throws IOException {
        Map<String, INDArray> stateDict = new LinkedHashMap<>();
        for (Map.Entry<String, TorchTensor> e : TorchCheckpoint.read(checkpoints).stateDict().entrySet()) {
            stateDict.put(e.getKey(), e.getValue().toINDArray(dataType));
        }
        return stateDict;
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
