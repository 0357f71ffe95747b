package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiled float products against libnd4j's batched product, for every transpose and tiles with partial edges. */
class TiledGemmTest {

    @Test
    void tilesComputeTheBatchedProduct() {
        Nd4j.getRandom().setSeed(6);
        // {batch, M, N, K}: long K (split and accumulated), long M (row tiles), both small, odd sizes everywhere.
        int[][] shapes = {{3, 64, 32, 3001}, {2, 3001, 33, 64}, {4, 37, 29, 23}, {2, 515, 96, 130}};
        for (int[] s : shapes) {
            for (int transposes = 0; transposes < 4; transposes++) {
                boolean ta = (transposes & 1) != 0, tb = (transposes & 2) != 0;
                INDArray a = ta ? Nd4j.randn(DataType.FLOAT, s[0], s[3], s[1]) : Nd4j.randn(DataType.FLOAT, s[0], s[1], s[3]);
                INDArray b = tb ? Nd4j.randn(DataType.FLOAT, s[0], s[2], s[3]) : Nd4j.randn(DataType.FLOAT, s[0], s[3], s[2]);
                String what = java.util.Arrays.toString(s) + " transposes " + ta + ", " + tb;
                assertTrue(TiledGemm.applies(a, b, ta, tb), what);
                INDArray expected = Nd4j.exec(new Mmul(a, b, null,
                        MMulTranspose.builder().transposeA(ta).transposeB(tb).build()))[0];
                INDArray actual = TiledGemm.bmm(a, b, ta, tb);
                assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
                double scale = Math.sqrt(s[3]);                   // the size of a sum of K products of N(0, 1)
                double error = expected.sub(actual).amaxNumber().doubleValue() / scale;
                assertTrue(error < 1e-5, what + " off by " + error);
                assertEquals(actual, TiledGemm.bmm(a, b, ta, tb), "the same sums in the same order, " + what);
            }
        }
    }

    @Test
    void viewsAreReadInTheirLogicalOrder() {
        INDArray base = Nd4j.randn(DataType.FLOAT, 2, 40, 30);
        INDArray view = base.permute(0, 2, 1);                            // [2, 30, 40], not C-contiguous
        INDArray b = Nd4j.randn(DataType.FLOAT, 2, 40, 7);
        INDArray expected = Nd4j.exec(new Mmul(view.dup('c'), b, null, MMulTranspose.allFalse()))[0];
        assertTrue(expected.sub(TiledGemm.bmm(view, b, false, false)).amaxNumber().doubleValue() < 1e-4);
    }

    @Test
    void doublesAndHugeProductsKeepLibnd4j() {
        assertFalse(TiledGemm.applies(Nd4j.zeros(DataType.DOUBLE, 2, 8, 8), Nd4j.zeros(DataType.DOUBLE, 2, 8, 8),
                false, false), "double");
        assertFalse(TiledGemm.applies(Nd4j.zeros(DataType.FLOAT, 8, 3136, 64), Nd4j.zeros(DataType.FLOAT, 8, 784, 64),
                false, true), "a pool's 3136 x 784 similarities: too many tiles");
    }
}
