package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contiguity test the native engine relies on to skip copies, the bias-first linear product, and the group sums
 * (in double and in float) and gathers of the ClusterPool.
 */
class TensorsTest {

    @Test
    void reshapesAndParameterSlicesAreContiguousTransposesAndColumnSlicesAreNot() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 6, 8);
        INDArray reshaped = a.reshape(2, 3, 8);
        assertTrue(reshaped.isView(), "ND4J calls a reshape a view; the test below must not copy it anyway");
        assertSame(reshaped, Tensors.contiguous(reshaped));

        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, 100);
        INDArray slice = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(10, 34)).reshape('c', 4, 6);
        assertSame(slice, Tensors.contiguous(slice));

        assertFalse(Tensors.isCContiguous(a.transpose()));
        assertFalse(Tensors.isCContiguous(a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4))));
        assertFalse(Tensors.isCContiguous(a.reshape(2, 3, 8).permute(1, 0, 2)));
        INDArray copied = Tensors.contiguous(a.transpose());
        assertTrue(Tensors.isCContiguous(copied));
        assertEquals(a.transpose(), copied);
    }

    @Test
    void linearAddsTheBiasToTheProduct() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 4, 3);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 4);
        INDArray expected = x.mmul(w.transpose()).muli(0.5).addiRowVector(b);
        INDArray actual = Tensors.linear(x, 0.5, w, b);
        assertTrue(expected.equalsWithEps(actual, 1e-12), () -> expected + " vs " + actual);
    }

    @Test
    void groupRowSumsEqualTheOneHotProductAndGatherIsItsAdjoint() {
        long maps = 3, n = 50, m = 7, d = 5;
        INDArray rows = Nd4j.rand(DataType.DOUBLE, maps, n, d);
        INDArray group = Nd4j.rand(DataType.DOUBLE, maps, n).muli(m).castTo(DataType.INT64);   // repeats in every map
        group.putScalar(new long[]{1, 0}, m - 1);
        INDArray oneHot = Tensors.oneHot(group, (int) m, DataType.DOUBLE);                       // [maps, n, m]

        INDArray sums = Tensors.groupRowSums(rows, group, m);
        INDArray expected = Tensors.bmm(oneHot, rows, true, false);
        assertTrue(expected.equalsWithEps(sums, 1e-12), () -> expected + " vs " + sums);
        assertEquals(sums, Tensors.groupRowSums(rows, group, m), "the same rows in the same order every time");

        INDArray perGroup = Nd4j.rand(DataType.DOUBLE, maps, m, d);
        INDArray gathered = Tensors.groupRowsGather(perGroup, group);
        INDArray expectedGather = Tensors.bmm(oneHot, perGroup, false, false);
        assertTrue(expectedGather.equalsWithEps(gathered, 1e-12), () -> expectedGather + " vs " + gathered);
    }

    @Test
    void floatGroupRowSumsAddInRowOrderAndRejectGroupsOutOfRange() {
        long maps = 4, n = 300, m = 9, d = 33;
        INDArray rows = Nd4j.rand(DataType.FLOAT, maps, n, d).subi(0.5);
        INDArray group = Nd4j.rand(DataType.FLOAT, maps, n).muli(m).castTo(DataType.INT64);
        INDArray sums = Tensors.groupRowSums(rows, group, m);
        // Row by row in order, in float, as the sums promise.
        for (int k = 0; k < maps; k++) {
            float[][] expected = new float[(int) m][(int) d];
            for (int i = 0; i < n; i++) {
                int g = group.getInt(k, i);
                for (int j = 0; j < d; j++) {
                    expected[g][j] += rows.getFloat(k, i, j);
                }
            }
            assertEquals(Nd4j.createFromArray(expected), sums.get(NDArrayIndex.point(k)), "map " + k);
        }
        // A view of the rows (here a permuted copy's permute back) gives the same sums.
        INDArray view = rows.permute(1, 0, 2).dup('c').permute(1, 0, 2);
        assertEquals(sums, Tensors.groupRowSums(view, group, m));

        group.putScalar(new long[]{2, 17}, m);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tensors.groupRowSums(rows, group, m));
        assertTrue(e.getMessage().contains("outside [0, 9)"), e.getMessage());
    }

    @Test
    void columnSumsOfFloatAndDoubleRowsAndOfAView() {
        INDArray m = Nd4j.randn(DataType.DOUBLE, 1000, 37);
        INDArray expected = m.sum(0);
        assertTrue(Tensors.columnSums(m).equalsWithEps(expected, 1e-9));
        INDArray sums = Tensors.columnSums(m.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, sums.dataType());
        assertEquals(37, sums.length());
        assertTrue(sums.castTo(DataType.DOUBLE).equalsWithEps(expected, 1e-3), sums + " vs " + expected);
        // A column slice is not contiguous: it is copied first, not read with the parent's row stride.
        INDArray wide = Nd4j.randn(DataType.FLOAT, 50, 12);
        INDArray slice = wide.get(NDArrayIndex.all(),
                NDArrayIndex.interval(4, 9));
        assertTrue(Tensors.columnSums(slice).equalsWithEps(slice.sum(0), 1e-4));
    }
}
