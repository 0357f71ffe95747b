package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GELU's float loops against double-precision erf and exp (the double path, which the gradient checks and the
 * float64 parity tests cover, is ND4J's erf and exp).
 */
class GeluTest {

    /** 1 + erf(s) in float: a few units in the last place of numbers near 1 and 2. */
    private static final double FORWARD_TOLERANCE = 6e-7;
    /** gelu' adds the density term, whose e^{-s^2} is squared four times in float (measured: 6e-7). */
    private static final double BACKWARD_TOLERANCE = 1.5e-6;

    /** s from -7 to 7, over a number of elements that is not a whole number of chunks. */
    private static INDArray grid() {
        return Nd4j.linspace(-7.0, 7.0, 17 * 1447, DataType.DOUBLE).reshape(17, 1447);   // 3 chunks and 23
    }

    @Test
    void floatForwardMatchesDoubleErfAcrossChunkEdges() {
        INDArray s = grid();
        INDArray exactOnePlusErf = Tensors.erf(s).addi(1.0);
        INDArray exactProduct = s.mul(exactOnePlusErf);

        INDArray[] actual = Gelu.forward(s.castTo(DataType.FLOAT));
        assertArrayEquals(s.shape(), actual[0].shape());
        assertEquals(DataType.FLOAT, actual[1].dataType());
        double errorOfSum = maxAbs(actual[0].castTo(DataType.DOUBLE).subi(exactOnePlusErf));
        assertTrue(errorOfSum < FORWARD_TOLERANCE, "1 + erf(s) off by " + errorOfSum);
        // The product carries s's own rounding to float on top: compare relative to 1 + |s|.
        INDArray scale = Transforms.abs(s, true).addi(1.0);
        double errorOfProduct = maxAbs(actual[1].castTo(DataType.DOUBLE).subi(exactProduct).divi(scale));
        assertTrue(errorOfProduct < FORWARD_TOLERANCE, "s (1 + erf(s)) off by " + errorOfProduct + " per 1 + |s|");
    }

    @Test
    void inPlaceForwardWritesTheProductOverItsInput() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray s = grid().castTo(type);
            INDArray expected = Gelu.forward(s)[1];
            INDArray actual = Gelu.forwardInPlace(s);
            assertSame(s, actual, "a contiguous array of its own is overwritten, " + type);
            assertEquals(expected, actual, type.toString());
        }
        INDArray base = Nd4j.rand(DataType.FLOAT, 40, 30).subi(0.5).muli(6.0);
        INDArray before = base.dup();
        INDArray fromView = Gelu.forwardInPlace(base.transpose());
        assertEquals(Gelu.forward(before.transpose().dup('c'))[1], fromView);
        assertEquals(before, base, "a view is read, not overwritten");
    }

    @Test
    void backwardAlsoGivesTheColumnSumsOfItsResult() {
        for (int cols : new int[]{256, 784, 9000}) {                   // rows per chunk: 32, 10 (chunk 7840), none
            for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
                INDArray s = Nd4j.rand(type, 37, cols).subi(0.5).muli(8.0);
                INDArray dy = Nd4j.rand(type, 37, cols).subi(0.5);
                INDArray onePlusErf = Gelu.forward(s)[0];
                INDArray expected = Gelu.backward(dy.dup(), s, onePlusErf);
                INDArray sums = Nd4j.zeros(type, cols);
                INDArray actual = Gelu.backward(dy.dup(), s, onePlusErf, sums);
                assertEquals(expected, actual, cols + " " + type);
                double error = Tensors.columnSums(expected).sub(sums).amaxNumber().doubleValue();
                assertTrue(error < 1e-4, "column sums off by " + error + ", " + cols + " " + type);
            }
        }
    }

    @Test
    void floatBackwardMatchesDoubleDerivativeAcrossChunkEdges() {
        INDArray s = grid();
        INDArray dy = Nd4j.rand(DataType.DOUBLE, s.shape()).subi(0.5).muli(4.0);
        INDArray onePlusErf = Tensors.erf(s).addi(1.0);
        // d/ds of s (1 + erf(s)) = 1 + erf(s) + (2 / sqrt pi) s e^{-s^2}
        INDArray exact = dy.mul(onePlusErf.add(s.mul(Transforms.exp(s.mul(s).negi(), true))
                .muli(2.0 / Math.sqrt(Math.PI))));

        INDArray dyFloat = dy.castTo(DataType.FLOAT);
        INDArray actual = Gelu.backward(dyFloat, s.castTo(DataType.FLOAT), Gelu.forward(s.castTo(DataType.FLOAT))[0]);
        assertSame(dyFloat, actual, "a contiguous gradient of its own is overwritten, not copied");
        // Relative to |dy|, since dy's own rounding to float is part of the difference.
        INDArray scale = Transforms.abs(dy, true).addi(1e-3);
        double error = maxAbs(actual.castTo(DataType.DOUBLE).subi(exact).divi(scale));
        assertTrue(error < BACKWARD_TOLERANCE, "gelu' off by " + error + " per |dy|");
    }

    @Test
    void viewsAreReadInTheirLogicalOrderAndNotOverwritten() {
        INDArray base = Nd4j.rand(DataType.FLOAT, 40, 30).subi(0.5).muli(6.0);
        INDArray view = base.transpose();
        INDArray copy = view.dup('c');
        INDArray[] fromView = Gelu.forward(view);
        INDArray[] fromCopy = Gelu.forward(copy);
        assertEquals(fromCopy[0], fromView[0]);
        assertEquals(fromCopy[1], fromView[1]);

        INDArray before = base.dup();
        INDArray fromViewGradient = Gelu.backward(view, copy, fromCopy[0]);
        assertEquals(before, base, "a view's buffer belongs to another array and is left alone");
        assertEquals(Gelu.backward(copy.dup(), copy, fromCopy[0]), fromViewGradient);
    }

    @Test
    void doublePathIsNd4jErfAndExp() {
        INDArray s = Nd4j.rand(DataType.DOUBLE, 5, 7).subi(0.5).muli(8.0);
        INDArray[] actual = Gelu.forward(s);
        INDArray expected = Tensors.erf(s).addi(1.0);
        assertEquals(expected, actual[0]);
        assertEquals(s.mul(expected), actual[1]);
        INDArray dy = Nd4j.rand(DataType.DOUBLE, 5, 7);
        INDArray density = Transforms.exp(s.mul(s).negi(), true).muli(2.0 / Math.sqrt(Math.PI));
        INDArray expectedGradient = dy.mul(expected.add(density.muli(s)));
        assertTrue(expectedGradient.equalsWithEps(Gelu.backward(dy, s, actual[0]), 1e-14));
    }

    @Test
    void nanStaysNanAndLargeInputsSaturate() {
        INDArray s = Nd4j.createFromArray(Float.NaN, 100f, -100f, 0f);
        INDArray[] actual = Gelu.forward(s);
        assertTrue(Float.isNaN(actual[0].getFloat(0)), "NaN in, NaN out");
        assertEquals(2f, actual[0].getFloat(1), 1e-7f);
        assertEquals(0f, actual[0].getFloat(2), 1e-7f);
        assertTrue(actual[0].minNumber().floatValue() >= 0f && actual[0].maxNumber().floatValue() <= 2f,
                "1 + erf stays in [0, 2]");
        assertEquals(200f, actual[1].getFloat(1), 1e-4f);
        assertEquals(0f, actual[1].getFloat(2), 1e-4f);
        assertEquals(1f, actual[0].getFloat(3), 0f);
        assertEquals(0f, actual[1].getFloat(3), 0f);
        INDArray gradient = Gelu.backward(Nd4j.ones(DataType.FLOAT, 4), s, actual[0]);
        assertTrue(Float.isNaN(gradient.getFloat(0)), "NaN in, NaN out");
        assertEquals(2f, gradient.getFloat(1), 1e-6f);
        assertEquals(0f, gradient.getFloat(2), 1e-4f);
        assertEquals(1f, gradient.getFloat(3), 0f);
    }

    private static double maxAbs(INDArray a) {
        return a.amaxNumber().doubleValue();
    }
}
