package org.fec.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Double-precision gradient checks (DL4J's GradientCheckUtil: central differences of the score against
 * back-propagation, every parameter) of each FEC layer in a small graph: the stem, a ClusterBlock with uneven,
 * overlapping proposal bins (8 to 3), a ClusterBlock folded 2x2, a folded ClusterPool and GroupNorm. The stem's
 * parameters are checked in every graph, so each layer's input gradient is checked through them. A wrong backward
 * path, a 2x factor included, fails them.
 */
class GradientCheckTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static void check(ComputationGraph g) {
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.randn(DataType.DOUBLE, 2, 3, 32, 32);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        labels.putScalar(0, 1, 1.0);
        labels.putScalar(1, 2, 1.0);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{input}).labels(new INDArray[]{labels})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertTrue(ok, "gradient check failed (the log names the parameter)");
    }

    @Test
    void stemAndClusterBlockWithUnevenProposalBins() {
        check(TinyGraphs.chain(1, 4, new ClusterBlock(4, 8, 2, 2, 3, 3, 1, 1, 0)));
    }

    @Test
    void clusterBlockWithFold() {
        check(TinyGraphs.chain(2, 4, new ClusterBlock(4, 8, 2, 2, 3, 3, 2, 2, 0)));
    }

    @Test
    void clusterPoolWithFoldAndGroupNorm() {
        check(TinyGraphs.chain(3, 6, new ClusterPool(4, 6, 2, 2)));
    }

    @Test
    void clusterPoolWithoutFoldThenClusterBlock() {
        check(TinyGraphs.chain(4, 6, new ClusterPool(4, 6, 1, 1), new ClusterBlock(6, 6, 3, 2, 2, 2, 1, 1, 0)));
    }
}
