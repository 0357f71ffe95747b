package org.fec.zoo.weights;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.fec.layers.FecLayer;
import org.fec.zoo.FecGraphs;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the reference's state_dict keys to the parameters of an FEC {@link ComputationGraph} and back.
 *
 * <p>Vertex names are the reference module paths with '.' replaced by '_' ({@code network.0.1} to
 * {@code network_0_1}); each FEC layer names the reference key of its parameters ({@link FecLayer#referenceName});
 * shapes agree except for 1x1 convolutions (PyTorch [O, C, 1, 1], here [O, C])
 * and the classifier head (PyTorch {@code head.weight} [classes, C] and {@code head.bias} [classes], DL4J's
 * DenseLayer {@code W} [C, classes] and {@code b} [1, classes]).
 */
public final class StateDictMapping {

    private StateDictMapping() {
    }

    /** One parameter of the graph with its reference key. */
    public record Entry(String key, String vertex, String param, INDArray array) {
    }

    /** Every parameter of the graph, in graph order, with its reference state_dict key. */
    public static List<Entry> entries(ComputationGraph graph) {
        List<Entry> out = new ArrayList<>();
        for (GraphVertex v : graph.getVertices()) {
            if (!v.hasLayer() || v.getLayer().numParams() == 0) {
                continue;
            }
            for (Map.Entry<String, INDArray> p : v.getLayer().paramTable().entrySet()) {
                out.add(new Entry(referenceKey(v.getVertexName(), v.getLayer().conf().getLayer(), p.getKey()),
                        v.getVertexName(), p.getKey(),
                        p.getValue()));
            }
        }
        return out;
    }

    /** The reference key of parameter {@code param} of vertex {@code vertex} with configuration {@code layer}. */
    public static String referenceKey(String vertex, Layer layer, String param) {
        if (vertex.equals(FecGraphs.HEAD)) {
            return switch (param) {
                case "W" -> "head.weight";
                case "b" -> "head.bias";
                default -> throw new IllegalArgumentException("Unknown head parameter " + param);
            };
        }
        if (!(layer instanceof FecLayer fec) || fec.referenceName(param) == null) {
            throw new IllegalArgumentException("No reference name for parameter '" + param + "' of vertex '"
                    + vertex + "'");
        }
        String module = vertex.equals(FecGraphs.STEM) ? "patch_embed" : vertex.replace('_', '.');
        return module + "." + fec.referenceName(param);
    }

    /** The reference's shape of a graph parameter (1x1 convolutions 4-D, head transposed). */
    public static long[] referenceShape(Entry e) {
        long[] s = e.array().shape();
        if (e.vertex().equals(FecGraphs.HEAD)) {
            return e.param().equals("W") ? new long[]{s[1], s[0]} : new long[]{e.array().length()};
        }
        boolean conv1x1 = e.key().endsWith(".weight") && (e.key().contains("token_mixer.")
                || e.key().contains(".conv_f.") || e.key().contains(".conv_v."));
        return conv1x1 ? new long[]{s[0], s[1], 1, 1} : s;
    }

    /** Converts a reference tensor to the graph's layout for {@code e}; null when the shapes are incompatible. */
    public static INDArray toGraphLayout(Entry e, INDArray reference) {
        long[] want = referenceShape(e);
        if (!Arrays.equals(reference.shape(), want)) {
            return null;
        }
        if (e.vertex().equals(FecGraphs.HEAD) && e.param().equals("W")) {
            return reference.transpose();
        }
        return reference.reshape(e.array().shape());
    }

    /** The graph's parameters as a state_dict: reference keys and shapes, in graph order. */
    public static Map<String, INDArray> exportStateDict(ComputationGraph graph) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Entry e : entries(graph)) {
            INDArray a = e.array();
            if (e.vertex().equals(FecGraphs.HEAD) && e.param().equals("W")) {
                a = a.transpose();
            }
            out.put(e.key(), a.dup('c').reshape(referenceShape(e)));
        }
        return out;
    }
}
