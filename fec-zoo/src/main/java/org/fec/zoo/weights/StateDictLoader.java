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

    /** How a checkpoint tensor becomes a graph parameter. */
    public interface Layout {
        /** The tensor in the parameter's layout, or null when the shapes are incompatible. */
        INDArray toGraph(StateDictMapping.Entry entry, INDArray reference);

        /** The shape the checkpoint should have (for the mismatch message). */
        default long[] expectedShape(StateDictMapping.Entry entry) {
            return entry.array().shape();
        }
    }

    /** The FEC layout of {@link StateDictMapping}. */
    public static final Layout FEC = new Layout() {
        @Override
        public INDArray toGraph(StateDictMapping.Entry entry, INDArray reference) {
            return StateDictMapping.toGraphLayout(entry, reference);
        }

        @Override
        public long[] expectedShape(StateDictMapping.Entry entry) {
            return StateDictMapping.referenceShape(entry);
        }
    };

    /** What loading would do: the report, and the copies still to be made ({@link #apply}). */
    public record Plan(LoadReport report, List<Runnable> copies) {
        public void apply() {
            copies.forEach(Runnable::run);
        }
    }

    /** Matches {@code stateDict} against the parameters {@code entries} without changing anything. */
    public static Plan plan(List<StateDictMapping.Entry> entries, Map<String, INDArray> stateDict, Layout layout) {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Set<String> unused = new LinkedHashSet<>(stateDict.keySet());
        List<Runnable> copies = new ArrayList<>();
        for (StateDictMapping.Entry e : entries) {
            INDArray ref = stateDict.get(e.key());
            if (ref == null) {
                missing.add(e.key());
                continue;
            }
            unused.remove(e.key());
            INDArray converted = layout.toGraph(e, ref);
            if (converted == null) {
                mismatched.add(e.key() + ": checkpoint " + Arrays.toString(ref.shape()) + " vs model "
                        + Arrays.toString(layout.expectedShape(e)));
                continue;
            }
            loaded.add(e.key());
            copies.add(() -> e.array().assign(converted.castTo(e.array().dataType())));
        }
        return new Plan(new LoadReport(loaded, missing, new ArrayList<>(unused), mismatched), copies);
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
        Plan plan = plan(StateDictMapping.entries(graph), stateDict, FEC);
        if (strict && !plan.report().isComplete()) {
            throw new IllegalArgumentException("Checkpoint " + source + " does not match the model: " + plan.report()
                    + " (use non-strict loading to load the matching tensors only)");
        }
        plan.apply();
        return plan.report();
    }
}
