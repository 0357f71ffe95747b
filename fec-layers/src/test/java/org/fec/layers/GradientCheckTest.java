package org.fec.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Double-precision gradient checks (DL4J's GradientCheckUtil: central differences against back-propagation) of
 * every FEC layer: stem, ClusterBlock with uneven/overlapping proposal bins, with fold 2x2, folded ClusterPool,
 * GroupNorm. Any error in a backward path, including a 2x factor, fails them.
 */
class GradientCheckTest {

    @Test
    void everyLayerMatchesFiniteDifferences() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph g = TinyGraphs.tiny(DataType.DOUBLE, 0.0, 12345);
            Nd4j.getRandom().setSeed(7);
            INDArray input = Nd4j.randn(DataType.DOUBLE, 2, 3, 32, 32);
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 3);
            labels.putScalar(0, 1, 1.0);
            labels.putScalar(1, 2, 1.0);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[]{input}).labels(new INDArray[]{labels})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).subset(true).maxPerParam(12));
            assertTrue(ok, "gradient check failed (see the log for the parameter)");
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }
}
