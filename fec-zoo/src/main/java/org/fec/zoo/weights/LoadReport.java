package org.fec.zoo.weights;

import java.util.List;

/**
 * What loading a state_dict into a graph did, like PyTorch's {@code load_state_dict} result.
 *
 * @param loaded     reference keys copied into the graph
 * @param missing    graph parameters (by reference key) that the state_dict lacks; they keep their values
 * @param unexpected state_dict keys with no graph parameter
 * @param mismatched "key: checkpoint shape vs model shape" for keys present on both sides with other shapes
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected,
                         List<String> mismatched) {

    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    @Override
    public String toString() {
        return "loaded " + loaded.size() + " tensors" + (missing.isEmpty() ? "" : "; missing " + missing)
                + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected)
                + (mismatched.isEmpty() ? "" : "; shape mismatch " + mismatched);
    }
}
