package org.fec.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guard for the upstream bug FEC's layers work around: DL4J 1.0.0-M2.1's stock {@link SameDiffLayer} returns
 * parameter gradients exactly 2x too large (its external-errors path both sets and returns the gradient).
 * FecLayerRuntime does not use that path. When this test fails, upstream behaviour changed: re-check
 * FecLayerRuntime and the notes in DESIGN.md before upgrading.
 */
class SameDiffGradientBugGuardTest {

    /** y = x * w (per feature), the smallest possible stock SameDiff layer. */
    public static class StockScale extends SameDiffLayer {
        private long n;

        protected StockScale() {
        }

        StockScale(long n) {
            this.n = n;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
            return in.mul(p.get("w"));
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("w", 1, n);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("w").assign(Nd4j.linspace(DataType.DOUBLE, 0.5, 1.5, n).reshape(1, n));
        }

        @Override
        public org.deeplearning4j.nn.conf.inputs.InputType getOutputType(int i, InputType in) {
            return in;
        }

        public long getN() {
            return n;
        }
    }

    @Test
    void stockSameDiffLayerStillDoublesGradients() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(3))
                .addLayer("scale", new StockScale(3), "in")
                .addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "scale")
                .setOutputs("loss").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray x = Nd4j.create(new double[][]{{1, -2, 3}, {0.5, 1, -1}});
        INDArray y = Nd4j.create(new double[][]{{0, 1, 0}, {1, 0, 2}});
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        INDArray backprop = g.gradient().getGradientFor("scale_w").dup();

        INDArray w = g.getParam("scale_w");
        double h = 1e-6;
        for (int j = 0; j < 3; j++) {
            double orig = w.getDouble(0, j);
            w.putScalar(0, j, orig + h);
            double plus = g.score(new org.nd4j.linalg.dataset.DataSet(x, y));
            w.putScalar(0, j, orig - h);
            double minus = g.score(new org.nd4j.linalg.dataset.DataSet(x, y));
            w.putScalar(0, j, orig);
            // DL4J's raw gradients are sums over the minibatch (the updater divides by its size) while the
            // score is a mean: a correct layer gives backprop == numeric * batch, the stock layer twice that.
            double numericSum = (plus - minus) / (2 * h) * x.size(0);
            assertEquals(2.0, backprop.getDouble(0, j) / numericSum, 1e-6,
                    "DL4J's SameDiffLayer gradient factor changed (upstream fix?): revisit FecLayerRuntime");
        }
    }
}
