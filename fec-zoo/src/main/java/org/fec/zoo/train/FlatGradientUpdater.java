package org.fec.zoo.train;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * DL4J's graph updater without its quadratic view chains. In DL4J 1.0.0-M2.1 {@code DefaultGradient.gradient()}
 * returns a fresh reshape of the network's flattened gradient view, so {@code BaseMultiLayerUpdater.update} never
 * recognises the view (it compares references) and takes its "external gradient" path on every step. On that
 * path {@code UpdaterBlock.applyRegularizationAllVariables} reshapes the whole parameter and gradient vectors once
 * per variable inside its loop, each reshape wrapping the previous one: a block of K variables (FEC-Small has one
 * block of 282) builds K-deep buffer chains whose every pointer lookup walks the chain, about 10% of a training
 * step at 32x32. This updater hands the base class the very view object it expects, so the standard path runs;
 * the gradient values are the same memory either way, so the update is identical.
 */
public class FlatGradientUpdater extends ComputationGraphUpdater {

    public FlatGradientUpdater(ComputationGraph graph) {
        super(graph);
    }

    public FlatGradientUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /**
     * Replaces the graph's updater by this one, keeping its state (Adam moments etc.), e.g. after
     * {@code ModelSerializer.restoreComputationGraph}. A graph that already has one is left alone.
     */
    public static ComputationGraph install(ComputationGraph graph) {
        ComputationGraphUpdater current = graph.getUpdater();
        if (current instanceof FlatGradientUpdater) {
            return graph;
        }
        INDArray state = current == null ? null : current.getStateViewArray();
        graph.setUpdater(state == null ? new FlatGradientUpdater(graph) : new FlatGradientUpdater(graph, state));
        return graph;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray view = getFlattenedGradientsView();
        super.update(sameMemory(gradient.gradient(), view) ? new OnView(gradient, view) : gradient, iteration, epoch,
                batchSize, workspaceMgr);
    }

    /** Whether {@code a} is the flattened view under another shape: same buffer, offset and length. */
    private static boolean sameMemory(INDArray a, INDArray view) {
        return a != null && view != null && a.length() == view.length() && a.offset() == view.offset()
                && a.data().addressPointer().address() == view.data().addressPointer().address();
    }

    /** A gradient whose flattened form is the network's own gradient view object. */
    private static final class OnView implements Gradient {
        private final Gradient delegate;
        private final INDArray view;

        OnView(Gradient delegate, INDArray view) {
            this.delegate = delegate;
            this.view = view;
        }

        @Override
        public INDArray gradient() {
            return view;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return delegate.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return delegate.gradient(order);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return delegate.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient) {
            return delegate.setGradientFor(variable, gradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return delegate.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return delegate.flatteningOrderForVariable(variable);
        }
    }
}
