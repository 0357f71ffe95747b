package org.fec.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MultiSizeAndDropPathTest {

    @Test
    void oneSetOfWeightsServesSeveralInputSizes() {
        ComputationGraph g = TinyGraphs.tiny(DataType.FLOAT, 0, 3);
        Nd4j.getRandom().setSeed(11);
        INDArray small = Nd4j.randn(DataType.FLOAT, 2, 3, 32, 32);
        INDArray wide = Nd4j.randn(DataType.FLOAT, 1, 3, 64, 96);
        INDArray first = g.output(small)[0].dup();
        INDArray norm = g.feedForward(wide, false).get("norm");
        assertArrayEquals(new long[]{1, 12, 8, 12}, norm.shape());
        // Back to the first size: the cached graph gives the same result.
        assertEquals(first, g.output(small)[0]);
        // A batch alone gives the same result as inside a larger batch.
        INDArray alone = g.output(small.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup())[0];
        assertEquals(0, alone.sub(first.getRow(0).reshape(1, 3)).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void stochasticDepthActsOnlyInTraining() {
        ComputationGraph plain = TinyGraphs.tiny(DataType.DOUBLE, 0.0, 5);
        ComputationGraph dropping = TinyGraphs.tiny(DataType.DOUBLE, 0.5, 5);
        dropping.setParams(plain.params());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3, 32, 32);
        // Inference: identity.
        assertEquals(plain.output(x)[0], dropping.output(x)[0]);
        // Training: random per call, and different from inference.
        INDArray t1 = dropping.feedForward(new INDArray[]{x}, true, false).get("norm").dup();
        INDArray t2 = dropping.feedForward(new INDArray[]{x}, true, false).get("norm").dup();
        INDArray inference = dropping.feedForward(new INDArray[]{x}, false, false).get("norm");
        assertNotEquals(t1, t2);
        assertNotEquals(t1, inference);
    }
}
