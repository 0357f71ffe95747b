package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float pass against the double (ND4J) one, with and without stochastic depth, and against the definition. */
class ScaledBranchTest {

    @Test
    void floatPassMatchesNd4jOps() {
        Nd4j.getRandom().setSeed(3);
        long batch = 3, points = 50, c = 12;                      // 600 values per sample: two spans and a tail
        INDArray dx = Nd4j.randn(DataType.DOUBLE, batch * points, c);
        INDArray t = Nd4j.randn(DataType.DOUBLE, batch * points, c);
        INDArray ls = Nd4j.rand(DataType.DOUBLE, c);
        for (INDArray drop : new INDArray[]{null, Nd4j.createFromArray(new double[][]{{0}, {1.25}, {1.25}})}) {
            INDArray dLs = Nd4j.create(DataType.DOUBLE, c);
            INDArray dt = ScaledBranch.backward(dx, t, ls, drop, batch, dLs);
            // The definition: d t = drop * ls * dx, d ls = sum of drop * dx * t.
            INDArray factors = drop == null ? Nd4j.ones(DataType.DOUBLE, batch, 1) : drop;
            INDArray perRow = factors.repeat(1, points).reshape(batch * points, 1);
            INDArray expectedDt = dx.mulColumnVector(perRow).mulRowVector(ls);
            INDArray expectedDLs = dx.mulColumnVector(perRow).mul(t).sum(0);
            assertTrue(dt.equalsWithEps(expectedDt, 1e-12), "double d t");
            assertTrue(dLs.equalsWithEps(expectedDLs, 1e-12), "double d ls");

            INDArray dLsFloat = Nd4j.create(DataType.FLOAT, c);
            INDArray dtFloat = ScaledBranch.backward(dx.castTo(DataType.FLOAT), t.castTo(DataType.FLOAT),
                    ls.castTo(DataType.FLOAT), drop == null ? null : drop.castTo(DataType.FLOAT), batch, dLsFloat);
            assertTrue(dtFloat.castTo(DataType.DOUBLE).equalsWithEps(expectedDt, 1e-5), "float d t");
            assertTrue(dLsFloat.castTo(DataType.DOUBLE).equalsWithEps(expectedDLs, 1e-4), "float d ls");
        }
    }
}
