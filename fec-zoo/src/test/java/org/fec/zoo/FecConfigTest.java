package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


/** Every reference model name builds with the reference's configuration and runs at a small input size. */
class FecConfigTest {

    static java.util.List<String> names() {
        return FecConfig.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void buildsAndRuns(String name) {
        FecConfig c = FecConfig.named(name);
        ComputationGraph g = FecGraphs.create(c, new FecGraphs.Options().numClasses(10));
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, 3, 64, 96);
        Map<String, INDArray> acts = g.feedForward(x, false);
        if (c.forkFeat()) {
            long[][] strides = {{4}, {8}, {16}, {32}};
            for (int s = 0; s < 4; s++) {
                INDArray f = acts.get(FecGraphs.FEATURES.get(s));
                assertArrayEquals(new long[]{1, c.dim(s), 64 / strides[s][0], 96 / strides[s][0]}, f.shape(), name);
            }
        } else {
            assertArrayEquals(new long[]{1, 10}, acts.get(FecGraphs.HEAD).shape());
        }
    }

    @Test
    void parameterCountsMatchTheReference() {
        // From the golden checkpoints (keys.txt): fec_small classifier and fec_small_seg backbone.
        assertEquals(5727528, FecGraphs.create(FecConfig.named("fec_small"), new FecGraphs.Options()).numParams());
        assertEquals(5407112, FecGraphs.create(FecConfig.named("fec_small_seg"), new FecGraphs.Options()).numParams());
    }

    @Test
    void sizeRulesAndDropPath() {
        assertEquals(32, FecConfig.named("fec_small").sizeMultiple());
        assertEquals(32, FecConfig.named("fec_base_det").sizeMultiple());
        FecConfig s = FecConfig.named("fec_small");
        assertEquals(0.0, s.dropPath(0.1, 0, 0), 1e-12);
        assertEquals(0.1, s.dropPath(0.1, 3, 1), 1e-12);
        assertEquals(0.1 * 3 / 13, s.dropPath(0.1, 1, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FecConfig.named("fec_tiny"));
    }
}
