package org.fec.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native engine (eager ND4J, hand-written backward) computes what the SameDiff definitions compute:
 * activations and every parameter and input gradient, in double precision.
 */
class EngineEquivalenceTest {

    @AfterEach
    void restore() {
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.NATIVE);
    }

    private static ComputationGraph graph(int variant) {
        return switch (variant) {
            case 0 -> TinyGraphs.chain(1, 4, new ClusterBlock(4, 8, 2, 2, 3, 3, 1, 1, 0));
            case 1 -> TinyGraphs.chain(2, 4, new ClusterBlock(4, 8, 2, 2, 3, 3, 2, 2, 0));
            case 2 -> TinyGraphs.chain(3, 6, new ClusterPool(4, 6, 2, 2), new ClusterBlock(6, 12, 3, 2, 2, 2, 1, 1, 0));
            default -> TinyGraphs.chain(4, 6, new ClusterPool(4, 6, 1, 1), new ClusterBlock(6, 6, 3, 2, 4, 4, 1, 1, 0));
        };
    }

    private static Map<String, INDArray> run(ComputationGraph g, INDArray x, INDArray y, FecLayerRuntime.Engine e) {
        FecLayerRuntime.setDefaultEngine(e);
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        g.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        out.put("activations", g.feedForward(x, false).get("norm").dup());
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void nativeMatchesSameDiff(int variant) {
        ComputationGraph g = graph(variant);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        y.putScalar(0, 0, 1.0);
        y.putScalar(1, 2, 1.0);
        Map<String, INDArray> sd = run(g, x, y, FecLayerRuntime.Engine.SAMEDIFF);
        Map<String, INDArray> nat = run(g, x, y, FecLayerRuntime.Engine.NATIVE);
        assertEquals(sd.keySet(), nat.keySet());
        for (String k : sd.keySet()) {
            double scale = Math.max(1e-3, sd.get(k).amaxNumber().doubleValue());
            double diff = sd.get(k).sub(nat.get(k)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-9 * scale, k + ": native differs from SameDiff by " + diff + " (scale " + scale + ")");
        }
    }

    /**
     * The float engine (Java loops for GELU, GroupNorm and the hard assignment's products, where double keeps ND4J's
     * ops) computes the double engine's activations and gradients, to float precision.
     */
    @org.junit.jupiter.api.Test
    void floatEngineMatchesDoubleEngine() {
        ComputationGraph exact = TinyGraphs.tiny(DataType.DOUBLE, 0, 5);
        ComputationGraph single = TinyGraphs.tiny(DataType.FLOAT, 0, 5);
        single.setParams(exact.params().castTo(DataType.FLOAT));
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        y.putScalar(0, 1, 1.0);
        y.putScalar(1, 0, 1.0);
        Map<String, INDArray> expected = run(exact, x, y, FecLayerRuntime.Engine.NATIVE);
        Map<String, INDArray> actual = run(single, x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT),
                FecLayerRuntime.Engine.NATIVE);
        // Inference skips what only the backward pass reads; without stochastic depth it computes the same.
        assertEquals(single.feedForward(x.castTo(DataType.FLOAT), true).get("norm"), actual.get("activations"),
                "inference against the training forward pass");
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertEquals(DataType.FLOAT, actual.get(k).dataType(), k);
            double scale = Math.max(1e-6, expected.get(k).amaxNumber().doubleValue());
            double diff = expected.get(k).sub(actual.get(k).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale, k + ": float differs from double by " + diff + " (scale " + scale + ")");
        }
    }

    /**
     * Float inference assigns from f's dot products with the unit centres and f's norms (no unit rows of f), with
     * fold regions here; the training forward pass normalises f first. Both give the same activations to float
     * precision.
     */
    @org.junit.jupiter.api.Test
    void floatInferenceMatchesTheTrainingForwardPassWithFolds() {
        ComputationGraph g = TinyGraphs.chain(2, 4, new ClusterBlock(4, 8, 2, 2, 3, 3, 2, 2, 0))
                .convertDataType(DataType.FLOAT);
        Nd4j.getRandom().setSeed(12);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 32, 32);
        INDArray inference = g.feedForward(x, false).get("l0").dup();
        INDArray training = g.feedForward(x, true).get("l0").dup();
        double scale = Math.max(1.0, training.amaxNumber().doubleValue());
        double diff = inference.sub(training).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, "float inference differs from the training forward pass by " + diff);
    }
}
