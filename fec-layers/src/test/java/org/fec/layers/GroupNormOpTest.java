package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GroupNorm's float passes (Java loops) against the double ones (ND4J ops, which the gradient checks and the
 * float64 parity tests cover), forward and through the backward pass that reads what forward kept.
 */
class GroupNormOpTest {

    @Test
    void floatLoopsMatchTheDoublePathForwardAndBackward() {
        long batch = 3, points = 37, c = 24;
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch * points, c).muli(3.0).addi(1.5);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(points, 2 * points)).muli(0.01);   // a quiet sample
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, c).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.DOUBLE, c);
        INDArray dy = Nd4j.randn(DataType.DOUBLE, batch * points, c);

        GroupNormOp exact = new GroupNormOp(batch);
        INDArray expected = exact.forward(x, gamma, beta);
        INDArray dGammaExpected = Nd4j.zeros(DataType.DOUBLE, c), dBetaExpected = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray dxExpected = exact.backward(dy, gamma, dGammaExpected, dBetaExpected);

        GroupNormOp loops = new GroupNormOp(batch);
        INDArray actual = loops.forward(x.castTo(DataType.FLOAT), gamma.castTo(DataType.FLOAT),
                beta.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, actual.dataType());
        assertClose(expected, actual, 2e-6, "output");
        INDArray dGamma = Nd4j.zeros(DataType.FLOAT, c), dBeta = Nd4j.zeros(DataType.FLOAT, c);
        INDArray dx = loops.backward(dy.castTo(DataType.FLOAT), gamma.castTo(DataType.FLOAT), dGamma, dBeta);
        assertClose(dxExpected, dx, 1e-4, "dx (the quiet sample's 1 / std is about 30)");
        assertClose(dGammaExpected, dGamma, 2e-5, "d gamma");
        assertClose(dBetaExpected, dBeta, 2e-5, "d beta");
    }

    @Test
    void floatStatisticsStayAccurateOnLargeMapsFarFromZero() {
        long batch = 2, points = 20000, c = 8;                          // 78 blocks of 256 points per sample
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch * points, c).muli(0.1).addi(100.0).castTo(DataType.FLOAT)
                .castTo(DataType.DOUBLE);                                  // exactly representable in float
        INDArray gamma = Nd4j.ones(DataType.DOUBLE, c), beta = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray expected = new GroupNormOp(batch).forward(x, gamma, beta);
        INDArray actual = new GroupNormOp(batch).forward(x.castTo(DataType.FLOAT), gamma.castTo(DataType.FLOAT),
                beta.castTo(DataType.FLOAT));
        // Centring at 100 in float costs 100's rounding (8e-6) over std 0.1: about 1e-4 of error is inherent.
        assertClose(expected, actual, 3e-4, "output on a 20000-point map at mean 100, std 0.1");
    }

    @Test
    void floatInputViewIsNormalisedInItsLogicalOrder() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 20);
        INDArray gamma = Nd4j.ones(DataType.FLOAT, 8), beta = Nd4j.zeros(DataType.FLOAT, 8);
        INDArray fromView = new GroupNormOp(2).forward(x.transpose(), gamma, beta);
        INDArray fromCopy = new GroupNormOp(2).forward(x.transpose().dup('c'), gamma, beta);
        assertEquals(fromCopy, fromView);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double error = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error < tolerance, what + " off by " + error);
    }
}
