package org.fec.zoo.weights;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Copies a reference state_dict (keys as in {@code models/fec.py}) into an FEC graph. */
public final class StateDictLoader {

    private StateDictLoader() {
    }

    /**
     * Loads {@code stateDict} into {@code graph}.
     *
     * @param source name of the checkpoint file(s), used in error messages
     * @param strict when true, any missing, unexpected or mismatched key is an error and nothing is changed;
     *               when false, every matching key is loaded and the rest reported
     * @throws IllegalArgumentException in strict mode when the state_dict does not match the graph exactly
     */
    public static LoadReport load(ComputationGraph graph, Map<String, INDArray> stateDict, String source,
                                  boolean strict) {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Set<String> unused = new LinkedHashSet<>(stateDict.keySet());
        List<Runnable> copies = new ArrayList<>();
        for (StateDictMapping.Entry e : StateDictMapping.entries(graph)) {
            INDArray ref = stateDict.get(e.key());
            if (ref == null) {
                missing.add(e.key());
                continue;
            }
            unused.remove(e.key());
            INDArray converted = StateDictMapping.toGraphLayout(e, ref);
            if (converted == null) {
                mismatched.add(e.key() + ": checkpoint " + Arrays.toString(ref.shape()) + " vs model "
                        + Arrays.toString(StateDictMapping.referenceShape(e)));
                continue;
            }
            loaded.add(e.key());
            copies.add(() -> e.array().assign(converted.castTo(e.array().dataType())));
        }
        LoadReport report = new LoadReport(loaded, missing, new ArrayList<>(unused), mismatched);
        if (strict && !report.isComplete()) {
            throw new IllegalArgumentException("Checkpoint " + source + " does not match the model: " + report
                    + " (use non-strict loading to load the matching tensors only)");
        }
        copies.forEach(Runnable::run);
        return report;
    }
}
