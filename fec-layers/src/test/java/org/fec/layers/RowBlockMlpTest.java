package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The row-block MLP against the whole-map products and GELU pass it replaces. */
class RowBlockMlpTest {

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    /**
     * FEC-Small's first two stages: blocks of 64 rows (the last one partial here) in slices of 128 hidden units
     * (32 channels) or 64 (64 channels), the slices' products summed in order.
     */
    @ParameterizedTest
    @CsvSource({"32, 256", "64, 512"})
    void rowBlocksComputeTheWholeMapMlpAndWhatItsBackwardPassReads(int c, int hidden) {
        Nd4j.getRandom().setSeed(8);
        int rows = 1000;
        INDArray y = Nd4j.randn(DataType.FLOAT, rows, c);
        INDArray w1 = Nd4j.randn(DataType.FLOAT, hidden, c).muli(0.3), b1 = Nd4j.randn(DataType.FLOAT, hidden);
        INDArray w2 = Nd4j.randn(DataType.FLOAT, c, hidden).muli(0.1), b2 = Nd4j.randn(DataType.FLOAT, c);
        assertTrue(RowBlockMlp.applies(y, hidden), "this test runs on ND4J's CPU backend with OpenBLAS");

        INDArray scaledHidden = Tensors.linear(y, INV_SQRT2, w1, b1.mul(INV_SQRT2));
        INDArray[] cdfAndGelu = Gelu.forward(scaledHidden);
        INDArray expected = Tensors.linear(cdfAndGelu[1], INV_SQRT2, w2, b2);

        assertClose(expected, RowBlockMlp.forward(y, w1, b1, w2, b2, null), "inference output");
        INDArray[] saved = new INDArray[2];
        assertClose(expected, RowBlockMlp.forward(y, w1, b1, w2, b2, saved), "training output");
        assertClose(scaledHidden, saved[0], "scaled hidden units");
        assertClose(cdfAndGelu[0], saved[1], "1 + erf(s)");

        // Inference adding onto a sum, without fc2's bias.
        INDArray sum = Nd4j.randn(DataType.FLOAT, rows, c);
        INDArray expectedSum = sum.add(expected).subiRowVector(b2);
        RowBlockMlp.forwardAdding(y, w1, b1, w2, sum);
        assertClose(expectedSum, sum, "output added onto a sum");
    }

    @ParameterizedTest
    @CsvSource({"32, 256", "64, 512"})
    void rowBlockBackwardPassComputesTheWholeMapGradients(int c, int hidden) {
        Nd4j.getRandom().setSeed(9);
        int rows = 1000;
        INDArray y = Nd4j.randn(DataType.FLOAT, rows, c), dMlp = Nd4j.randn(DataType.FLOAT, rows, c);
        INDArray w1 = Nd4j.randn(DataType.FLOAT, hidden, c).muli(0.3), b1 = Nd4j.randn(DataType.FLOAT, hidden);
        INDArray w2 = Nd4j.randn(DataType.FLOAT, c, hidden).muli(0.1), b2 = Nd4j.randn(DataType.FLOAT, c);
        INDArray[] saved = new INDArray[2];
        RowBlockMlp.forward(y, w1, b1, w2, b2, saved);

        // The whole-map backward pass of ClusterBlockKernel (GELU's output is s (1 + erf(s)), recomputed here).
        INDArray eW1 = Nd4j.create(DataType.FLOAT, hidden, c), eB1 = Nd4j.create(DataType.FLOAT, hidden);
        INDArray eW2 = Nd4j.create(DataType.FLOAT, c, hidden), eB2 = Nd4j.create(DataType.FLOAT, c);
        INDArray halfDGelu = Tensors.linearBackward(dMlp, saved[0].mul(saved[1]), INV_SQRT2, w2, eW2, eB2, 0.5);
        INDArray dHidden = Gelu.backward(halfDGelu, saved[0], saved[1], eB1);
        INDArray expected = Tensors.linearBackward(dHidden, y, w1, eW1, null, true);

        INDArray aW1 = Nd4j.create(DataType.FLOAT, hidden, c), aB1 = Nd4j.create(DataType.FLOAT, hidden);
        INDArray aW2 = Nd4j.create(DataType.FLOAT, c, hidden), aB2 = Nd4j.create(DataType.FLOAT, c);
        INDArray actual = RowBlockMlp.backward(dMlp, y, w1, w2, saved, aW1, aB1, aW2, aB2);
        assertClose(expected, actual, "input gradient");
        assertClose(eW1, aW1, "fc1 weight gradient");
        assertClose(eB1, aB1, "fc1 bias gradient");
        assertClose(eW2, aW2, "fc2 weight gradient");
        assertClose(eB2, aB2, "fc2 bias gradient");
        INDArray again = Nd4j.create(DataType.FLOAT, hidden, c);
        RowBlockMlp.backward(dMlp, y, w1, w2, saved, again, aB1, aW2, aB2);
        assertEquals(aW1, again, "the same sums in the same order every time");
    }

    @Test
    void onlyFloatRowsNarrowEnoughForSingleThreadedBlocksOrSlices() {
        assertFalse(RowBlockMlp.applies(Nd4j.zeros(DataType.DOUBLE, 10, 32), 256), "double");
        assertTrue(RowBlockMlp.applies(Nd4j.zeros(DataType.FLOAT, 10, 64), 512), "slices of 64");
        assertFalse(RowBlockMlp.applies(Nd4j.zeros(DataType.FLOAT, 10, 196), 784), "slices of 20");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double error = expected.sub(actual).amaxNumber().doubleValue() / scale;
        assertTrue(error < 1e-5, what + " off by " + error);
    }
}
