package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float normalisation (Java passes) against the double one (ND4J's ops), including rows whose norm is clamped. */
class UnitRowsTest {

    @Test
    void floatPassesMatchTheDoubleOpsAcrossChunkEdges() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 900, 7);                 // 4500 rows: four chunks and a partial one
        x.get(NDArrayIndex.point(1), NDArrayIndex.point(17), NDArrayIndex.all()).assign(0.0);      // clamped norm
        x.get(NDArrayIndex.point(3), NDArrayIndex.point(899), NDArrayIndex.all()).assign(1e-14);   // clamped norm
        INDArray dy = Nd4j.randn(DataType.DOUBLE, 5, 900, 7);

        UnitRows exact = UnitRows.of(x);
        UnitRows single = UnitRows.of(x.castTo(DataType.FLOAT));
        assertArrayEquals(new long[]{5, 900, 1}, single.norms.shape());
        assertClose(exact.norms, single.norms, "norms");
        assertClose(exact.unit, single.unit, "unit rows");
        INDArray expected = exact.backward(dy);
        INDArray actual = single.backward(dy.castTo(DataType.FLOAT));
        // The clamped rows' gradients are dy / 1e-12: compare each row relative to its own scale.
        INDArray error = expected.sub(actual.castTo(DataType.DOUBLE)).reshape(4500, 7);
        INDArray scale = Nd4j.math().abs(expected).reshape(4500, 7).max(true, 1).addi(1.0);
        double worst = error.divi(scale).amaxNumber().doubleValue();
        assertTrue(worst < 1e-5, "gradient off by " + worst + " of its row's scale");
        assertEquals(0.0, actual.getDouble(1, 17, 3) * 1e-12 - dy.getDouble(1, 17, 3), 1e-6,
                "a zero row passes dy / eps through");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(DataType.FLOAT, actual.dataType(), what);
        double error = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error < 1e-5 * Math.max(1.0, expected.amaxNumber().doubleValue()), what + " off by " + error);
    }
}
