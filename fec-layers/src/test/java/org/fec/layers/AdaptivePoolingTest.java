package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PyTorch's adaptive average pooling bins: start floor(i*In/Out), end ceil((i+1)*In/Out). */
class AdaptivePoolingTest {

    @Test
    void unevenBinsOverlapLikePyTorch() {
        // 7 -> 2: [0..3] and [3..6]; 14 -> 5: [0..2], [2..5], [5..8], [8..11], [11..13].
        assertEquals(0, AdaptivePooling.binStart(0, 7, 2));
        assertEquals(4, AdaptivePooling.binEnd(0, 7, 2));
        assertEquals(3, AdaptivePooling.binStart(1, 7, 2));
        assertEquals(7, AdaptivePooling.binEnd(1, 7, 2));
        long[][] bins = {{0, 3}, {2, 6}, {5, 9}, {8, 12}, {11, 14}};
        for (int i = 0; i < 5; i++) {
            assertEquals(bins[i][0], AdaptivePooling.binStart(i, 14, 5));
            assertEquals(bins[i][1], AdaptivePooling.binEnd(i, 14, 5));
        }
        INDArray p = AdaptivePooling.matrix(7, 2, DataType.DOUBLE);
        assertEquals(Nd4j.create(new double[][]{{.25, .25, .25, .25, 0, 0, 0}, {0, 0, 0, .25, .25, .25, .25}}), p);
    }
}
