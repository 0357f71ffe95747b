package org.fec.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs that cannot work fail before any compute, with the size and the rule in the message. */
class ShapeValidationTest {

    private static String failure(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void stemRejectsWrongChannelsAndSizes() {
        ComputationGraph g = TinyGraphs.tiny(DataType.FLOAT, 0, 1);
        String channels = failure(() -> g.output(Nd4j.rand(DataType.FLOAT, 1, 4, 32, 32)));
        assertTrue(channels.contains("expected 3 channels, got 4"), channels);
        String height = failure(() -> g.output(Nd4j.rand(DataType.FLOAT, 1, 3, 48, 32)));
        assertTrue(height.contains("image height 48") && height.contains("multiple of 32"), height);
        String width = failure(() -> g.output(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 100)));
        assertTrue(width.contains("image width 100"), width);
        String rank = failure(() -> g.output(Nd4j.rand(DataType.FLOAT, 3, 32, 32)));
        assertTrue(rank.contains("rank-4"), rank);
    }

    @Test
    void foldThatDoesNotDivideTheMapIsRejected() {
        ClusterBlock block = new ClusterBlock(8, 16, 2, 4, 2, 2, 3, 3, 0);
        block.setLayerName("b");
        String msg = failure(() -> block.checkInputShape(new long[]{1, 8, 9, 8}));
        assertTrue(msg.contains("feature map height 8") && msg.contains("fold 3x3"), msg);
        ClusterPool pool = new ClusterPool(8, 16, 1, 1);
        pool.setLayerName("p");
        String odd = failure(() -> pool.checkInputShape(new long[]{1, 7, 8, 8}));
        assertTrue(odd.contains("feature map height 7") && odd.contains("even"), odd);
    }
}
