package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The float block means (Java) against the double ones (ND4J views), one known block, and the adjoint. */
class BlockMeansTest {

    @Test
    void floatPassesMatchTheNd4jViewsAndAreAdjoint() {
        BlockMeans means = new BlockMeans(6, 4);                                   // 3 x 2 blocks per map
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 24, 5);
        INDArray d = Nd4j.randn(DataType.DOUBLE, 3, 6, 5);

        INDArray m = means.forward(x);
        assertArrayEquals(new long[]{3, 6, 5}, m.shape());
        assertEquals(m.castTo(DataType.FLOAT), means.forward(x.castTo(DataType.FLOAT)), "forward");
        INDArray dx = means.backward(d);
        assertEquals(dx.castTo(DataType.FLOAT), means.backward(d.castTo(DataType.FLOAT)), "backward");
        // Block (row 2, column 1) of map 1 holds points (4, 2), (4, 3), (5, 2) and (5, 3).
        double expected = (x.getDouble(1, 18, 3) + x.getDouble(1, 19, 3) + x.getDouble(1, 22, 3)
                + x.getDouble(1, 23, 3)) / 4;
        assertEquals(expected, m.getDouble(1, 5, 3), 1e-12);
        // <forward(x), d> = <x, backward(d)>
        assertEquals(m.mul(d).sumNumber().doubleValue(), x.mul(dx).sumNumber().doubleValue(), 1e-9);
    }
}
