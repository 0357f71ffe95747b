package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float assignment (Java passes over the slots) against the double one (ND4J's sigmoid, argmax, one-hot and
 * elementwise ops, which the gradient checks and the float64 parity with the reference cover).
 */
class AssignmentTest {

    private static final int GROUPS = 3, POINTS = 1500, HEADS = 2, M = 5;   // 9000 slots: four chunks and a partial one

    @Test
    void floatPassesComputeWhatTheNd4jOpsCompute() {
        Nd4j.getRandom().setSeed(3);
        INDArray cos = Nd4j.rand(DataType.DOUBLE, GROUPS, POINTS, HEADS * M).subi(0.5).muli(2.0);
        INDArray dPoints = Nd4j.randn(DataType.DOUBLE, GROUPS, POINTS, 7);
        INDArray centres = Nd4j.randn(DataType.DOUBLE, GROUPS, HEADS * M, 7);
        for (double alpha : new double[]{1.7, -0.8}) {                   // a negative alpha picks the smallest cos
            String at = ", alpha " + alpha;
            Assignment expected = Assignment.of(cos, M, alpha, 0.3);
            Assignment actual = Assignment.of(cos.castTo(DataType.FLOAT), M, alpha, 0.3);
            assertEquals(DataType.FLOAT, actual.members().dataType());
            assertEquals(expected.members().castTo(DataType.FLOAT), actual.members(), "members" + at);
            assertClose(expected.weighted(), actual.weighted(), "weighted" + at);
            assertEquals(expected.memberCounts().castTo(DataType.FLOAT), actual.memberCounts(), "counts" + at);
            assertEquals(GROUPS * POINTS * HEADS, actual.memberCounts().sumNumber().longValue(), "one centre per slot");

            Assignment.SimilarityGradient exact = expected.similarityGradient(dPoints, centres, alpha);
            Assignment.SimilarityGradient single = actual.similarityGradient(dPoints.castTo(DataType.FLOAT),
                    centres.castTo(DataType.FLOAT), alpha);
            assertClose(exact.dCos(), single.dCos(), "cos gradient" + at);
            double scale = Math.abs(exact.dBeta()) + 1.0;
            assertEquals(exact.dAlpha(), single.dAlpha(), 1e-5 * scale, "alpha gradient" + at);
            assertEquals(exact.dBeta(), single.dBeta(), 1e-5 * scale, "beta gradient" + at);
        }
    }

    /** From dot products and the points' norms (inference): the assignment of the cosines dot / norm. */
    @Test
    void dotProductsAndNormsGiveTheAssignmentOfTheirCosines() {
        Nd4j.getRandom().setSeed(4);
        int slots = GROUPS * POINTS * HEADS;
        INDArray cos = Nd4j.rand(DataType.DOUBLE, GROUPS, POINTS, HEADS * M).subi(0.5).muli(2.0);
        INDArray norms = Nd4j.rand(DataType.DOUBLE, slots).addi(0.1).muli(5.0);
        INDArray dots = cos.reshape(slots, M).mulColumnVector(norms.reshape(slots, 1)).reshape(cos.shape());
        float[] slotNorms = norms.castTo(DataType.FLOAT).toFloatVector();
        for (double alpha : new double[]{1.7, -0.8}) {
            String at = ", alpha " + alpha;
            Assignment expected = Assignment.of(cos, M, alpha, 0.3);
            Assignment actual = Assignment.of(dots.castTo(DataType.FLOAT), slotNorms, M, alpha, 0.3);
            assertEquals(expected.members().castTo(DataType.FLOAT), actual.members(), "members" + at);
            assertClose(expected.weighted(), actual.weighted(), "weighted" + at);
        }
        assertThrows(IllegalArgumentException.class, () -> Assignment.of(dots.castTo(DataType.FLOAT),
                new float[slots - 1], M, 1.0, 0.0));
    }

    @Test
    void tiesGoToTheFirstCentreInBothPasses() {
        INDArray cos = Nd4j.createFromArray(new double[][][]{{{0.2, 0.9, 0.9, 0.1}, {0.5, 0.5, 0.5, 0.5}}});
        INDArray expected = Nd4j.createFromArray(new double[][][]{{{0, 1, 0, 0}, {1, 0, 0, 0}}});
        assertEquals(expected, Assignment.of(cos, 4, 1.0, 0.0).members());
        assertEquals(expected.castTo(DataType.FLOAT), Assignment.of(cos.castTo(DataType.FLOAT), 4, 1.0, 0.0).members());
        INDArray weights = Assignment.of(cos.castTo(DataType.FLOAT), 4, 2.0, -1.0).weighted();
        assertEquals((float) (1.0 / (1.0 + Math.exp(-(2.0 * 0.9 - 1.0)))), weights.getFloat(0, 0, 1), 1e-7f);
        assertEquals(0f, weights.getFloat(0, 0, 2), 0f);
    }

    @Test
    void similaritiesOfTheWrongShapeAreRejected() {
        INDArray cos = Nd4j.rand(DataType.FLOAT, 1, 4, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Assignment.of(cos, 4, 1.0, 0.0));
        assertTrue(e.getMessage().contains("[1, 4, 9]"), e.getMessage());
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(DataType.FLOAT, actual.dataType(), what);
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double error = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
        assertTrue(error < 2e-6, what + " off by " + error);
    }
}
