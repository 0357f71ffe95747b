package org.fec.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.fec.zoo.weights.LoadReport;
import org.fec.zoo.weights.StateDictLoader;
import org.fec.zoo.weights.StateDictMapping;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maps a segmentation graph's parameters to the keys of an mmsegmentation {@code EncoderDecoder} checkpoint:
 * {@code backbone.*} (the FEC names of {@link StateDictMapping}), {@code neck.*} and {@code decode_head.*}
 * ({@link SemanticFpn#moduleOf}). An FEC ImageNet checkpoint (keys without {@code backbone.}) loads into the
 * backbone only, without its classifier head and final norm, as the reference does before fine-tuning.
 */
public final class SegStateDict {

    private SegStateDict() {
    }

    /** Every parameter of the graph with its mmseg key. */
    public static List<StateDictMapping.Entry> entries(ComputationGraph graph) {
        List<StateDictMapping.Entry> out = new ArrayList<>();
        for (GraphVertex v : graph.getVertices()) {
            if (!v.hasLayer() || v.getLayer().numParams() == 0) {
                continue;
            }
            String module = SemanticFpn.moduleOf(v.getVertexName());
            for (Map.Entry<String, INDArray> p : v.getLayer().paramTable().entrySet()) {
                String key = module != null ? module + "." + SemanticFpn.parameterOf(p.getKey())
                        : "backbone." + StateDictMapping.referenceKey(v.getVertexName(),
                        v.getLayer().conf().getLayer(), p.getKey());
                out.add(new StateDictMapping.Entry(key, v.getVertexName(), p.getKey(), p.getValue()));
            }
        }
        return out;
    }

    /** True when the keys look like an FEC classifier or backbone checkpoint rather than an mmseg one. */
    public static boolean isBackboneOnly(Map<String, INDArray> stateDict) {
        return stateDict.keySet().stream().noneMatch(k -> k.startsWith("backbone."))
                && stateDict.keySet().stream().anyMatch(k -> k.startsWith("patch_embed."));
    }

    /**
     * Loads an mmseg checkpoint, or an FEC checkpoint into the backbone only. {@code num_batches_tracked} counters
     * are not parameters here and are skipped.
     *
     * @param strict fail (changing nothing) unless every parameter is loaded with its shape; for a backbone-only
     *               checkpoint the neck, head and stage norms may be missing
     */
    public static LoadReport load(ComputationGraph graph, Map<String, INDArray> stateDict, String source,
                                  boolean strict) {
        boolean backboneOnly = isBackboneOnly(stateDict);
        Map<String, INDArray> keyed = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
            String k = e.getKey();
            boolean skipped = k.endsWith(".num_batches_tracked")
                    || backboneOnly && (k.startsWith("head.") || k.startsWith("norm."));
            if (!skipped) {
                keyed.put(backboneOnly ? "backbone." + k : k, e.getValue());
            }
        }
        StateDictLoader.Plan plan = StateDictLoader.plan(entries(graph), keyed, SegStateDict::toGraphLayout);
        LoadReport report = plan.report();
        boolean acceptable = report.isComplete() || backboneOnly && report.unexpected().isEmpty()
                && report.mismatched().isEmpty() && report.missing().stream()
                .noneMatch(k -> k.startsWith("backbone.") && !k.matches("backbone\\.norm[0246]\\..*"));
        if (strict && !acceptable) {
            throw new IllegalArgumentException("Checkpoint " + source + " does not match the segmentation model: "
                    + report + " (use non-strict loading to load the matching tensors only)");
        }
        plan.apply();
        return report;
    }

    private static INDArray toGraphLayout(StateDictMapping.Entry e, INDArray ref) {
        if (e.key().startsWith("backbone.")) {
            String fecKey = e.key().substring("backbone.".length());
            return StateDictMapping.toGraphLayout(new StateDictMapping.Entry(fecKey, e.vertex(), e.param(), e.array()),
                    ref);
        }
        // Head tensors have PyTorch's layout; DL4J keeps biases and norm vectors as [1, C].
        return Arrays.equals(squeeze(ref.shape()), squeeze(e.array().shape())) ? ref.reshape(e.array().shape()) : null;
    }

    private static long[] squeeze(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }
}
