package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float hard assignment (a Java pass) against the double one (ND4J's sigmoid, argmax and one-hot, which the
 * gradient checks and the float64 parity with the reference's assignments cover).
 */
class HardAssignmentTest {

    @Test
    void floatPassPicksTheSameCentresAsTheDoublePassWithTheSameWeights() {
        int m = 4;
        long slots = 7 * 900;                                              // three chunks of 2048 and a partial one
        INDArray cos = Nd4j.rand(DataType.DOUBLE, 7, slots / 7, m).subi(0.5).muli(2.0);   // rows of M are slots
        for (double alpha : new double[]{1.7, -0.8}) {                   // a negative alpha picks the smallest cos
            INDArray[] expected = HardAssignment.membersAndWeights(cos, m, alpha, 0.3);
            INDArray[] actual = HardAssignment.membersAndWeights(cos.castTo(DataType.FLOAT), m, alpha, 0.3);
            assertEquals(DataType.FLOAT, actual[0].dataType());
            assertEquals(expected[0].castTo(DataType.FLOAT), actual[0], "members, alpha " + alpha);
            double error = expected[1].sub(actual[1].castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(error < 1e-6, "weights off by " + error + ", alpha " + alpha);
            assertEquals(slots, actual[0].sumNumber().longValue(), "one member per slot");
        }
    }

    @Test
    void tiesGoToTheFirstCentreInBothPasses() {
        INDArray cos = Nd4j.createFromArray(new double[][]{{0.2, 0.9, 0.9, 0.1}, {0.5, 0.5, 0.5, 0.5}});
        INDArray expectedMembers = Nd4j.createFromArray(new double[][]{{0, 1, 0, 0}, {1, 0, 0, 0}});
        assertEquals(expectedMembers, HardAssignment.membersAndWeights(cos, 4, 1.0, 0.0)[0]);
        assertEquals(expectedMembers.castTo(DataType.FLOAT),
                HardAssignment.membersAndWeights(cos.castTo(DataType.FLOAT), 4, 1.0, 0.0)[0]);
        INDArray weights = HardAssignment.membersAndWeights(cos.castTo(DataType.FLOAT), 4, 2.0, -1.0)[1];
        assertEquals((float) (1.0 / (1.0 + Math.exp(-(2.0 * 0.9 - 1.0)))), weights.getFloat(0, 1), 1e-7f);
        assertEquals(0f, weights.getFloat(0, 2), 0f);
    }
}
