package org.fec.segmentation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.FecConfig;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.FecModels;
import org.fec.zoo.weights.LoadReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FEC semantic-segmentation models: a {@code fec_*_seg} backbone with {@link SemanticFpn}, image input
 * {@value FecGraphs#INPUT} (NCHW, ImageNet-normalised), output {@value SemanticFpn#LOSS} (logits at the image size).
 */
public final class SegModels {

    /** ADE20K's 150 classes. */
    public static final int ADE20K_CLASSES = 150;

    private SegModels() {
    }

    /** The segmentation variant of a zoo name: {@code fec_small} and {@code fec_small_seg} both give the latter. */
    public static FecConfig backbone(String name) {
        String seg = name.endsWith("_seg") ? name : name + "_seg";
        FecConfig c = FecConfig.named(seg);
        if (!c.forkFeat()) {
            throw new IllegalArgumentException("'" + name + "' is not a segmentation backbone");
        }
        return c;
    }

    public static ComputationGraphConfiguration configuration(FecConfig backbone, int numClasses,
                                                              FecGraphs.Options options,
                                                              SemanticFpn.NormMode normMode, SegmentationLoss loss) {
        ComputationGraphConfiguration.GraphBuilder g = FecGraphs.graphBuilder(options);
        FecGraphs.addBackbone(g, backbone, options, FecGraphs.INPUT);
        long[] channels = new long[4];
        for (int i = 0; i < 4; i++) {
            channels[i] = backbone.dim(i);
        }
        SemanticFpn.addTo(g, FecGraphs.FEATURES, channels, numClasses, FecGraphs.INPUT, normMode,
                SemanticFpn.DROPOUT, loss);
        g.setOutputs(SemanticFpn.LOSS);
        return g.build();
    }

    /** A new, initialised model with batch-statistics norms and mmseg's default loss. */
    public static ComputationGraph create(FecConfig backbone, int numClasses, FecGraphs.Options options) {
        ComputationGraph graph = new ComputationGraph(configuration(backbone, numClasses, options,
                SemanticFpn.NormMode.BATCH, SegmentationLoss.mmsegDefault()));
        graph.init();
        return graph;
    }

    /**
     * Loads a model: a DL4J zip written by this project, or PyTorch checkpoints (an mmseg EncoderDecoder checkpoint
     * of FEC, or an FEC ImageNet / backbone checkpoint for the backbone alone) into a new model.
     *
     * @param numClasses classes of a new model; null: from the checkpoint's {@code decode_head.conv_seg}, else 150
     */
    public static FecModels.Loaded load(String name, List<Path> checkpoints, Integer numClasses,
                                        FecGraphs.Options options, boolean strict) throws IOException {
        FecModels.checkFiles(checkpoints);
        if (checkpoints.size() == 1 && FecModels.isDl4jModel(checkpoints.get(0))) {
            ComputationGraph g = ModelSerializer.restoreComputationGraph(checkpoints.get(0).toFile(), true);
            if (g.getVertex(SemanticFpn.LOSS) == null) {
                throw new IllegalArgumentException("Model zip " + checkpoints.get(0)
                        + " is not a segmentation model (no '" + SemanticFpn.LOSS + "' output)");
            }
            return new FecModels.Loaded(g, new LoadReport(List.of(), List.of(), List.of(), List.of()));
        }
        Map<String, INDArray> stateDict = FecModels.readStateDict(checkpoints, options.dataType());
        INDArray convSeg = stateDict.get("decode_head.conv_seg.weight");
        int classes = numClasses != null ? numClasses : convSeg != null ? (int) convSeg.size(0) : ADE20K_CLASSES;
        ComputationGraph graph = create(backbone(name), classes, options);
        List<String> names = new ArrayList<>();
        checkpoints.forEach(p -> names.add(p.toString()));
        return new FecModels.Loaded(graph, SegStateDict.load(graph, stateDict, String.join(", ", names), strict));
    }
}
