package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float patch copies (Java) against the double ones (ND4J views), and col2im as im2col's adjoint. */
class StridedPatchesTest {

    @Test
    void floatCopiesMatchTheNd4jViewsAndAreAdjoint() {
        StridedPatches patches = new StridedPatches(3, 10, 6, 5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 10, 6, 5);
        INDArray dCols = Nd4j.randn(DataType.DOUBLE, 3 * 5 * 3, 9 * 5);

        INDArray cols = patches.im2col(x);
        assertEquals(cols.castTo(DataType.FLOAT), patches.im2col(x.castTo(DataType.FLOAT)), "im2col");
        INDArray dx = patches.col2im(dCols);
        double error = dx.sub(patches.col2im(dCols.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE))
                .amaxNumber().doubleValue();
        assertTrue(error < 1e-5, "col2im off by " + error);
        // <im2col(x), dCols> = <x, col2im(dCols)>
        double left = cols.mul(dCols).sumNumber().doubleValue(), right = x.mul(dx).sumNumber().doubleValue();
        assertEquals(left, right, 1e-9 * Math.abs(left) + 1e-9);
        // A patch row: output (1, 2) of sample 2 reads rows 1..3, columns 3..5; its first column is (ky 0, kx 0).
        assertEquals(x.getDouble(2, 1, 3, 4), cols.getDouble((2 * 5 + 1) * 3 + 2, 4), 0.0);
        assertEquals(0.0, cols.getDouble(0, 0), 0.0);                         // padding
    }
}
