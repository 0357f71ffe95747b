package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The separable region pooling against one product with the whole-image pooling matrix, and its adjoint. */
class RegionsTest {

    @Test
    void separablePoolingMatchesTheWholeImageMatrix() {
        // Fold 2x3 of a 14x15 map: regions of 7x5 points pooled to 3x2 centres (uneven, overlapping bins).
        long batch = 2, h = 14, w = 15, k = 4, outRows = 3, outCols = 2;
        Regions regions = new Regions(batch, h, w, 1, k, 2, 3);
        INDArray t = Nd4j.randn(DataType.DOUBLE, batch * h * w, k);
        INDArray dPooled = Nd4j.randn(DataType.DOUBLE, batch * 2 * outRows * 3 * outCols, k);

        INDArray matrix = wholeImageMatrix(h, w, 2 * outRows, 3 * outCols);         // [centres, H*W]
        INDArray expected = Nd4j.createUninitialized(DataType.DOUBLE, batch, matrix.rows(), k);
        INDArray images = t.reshape(batch, h * w, k);
        for (int i = 0; i < batch; i++) {
            expected.tensorAlongDimension(i, 1, 2).assign(matrix.mmul(images.tensorAlongDimension(i, 1, 2)));
        }
        INDArray pooled = regions.poolRows(t, outRows, outCols);
        assertArrayEquals(new long[]{batch * 36, k}, pooled.shape());
        assertTrue(pooled.equalsWithEps(expected.reshape(batch * 36, k), 1e-12), "double pooling");
        INDArray pooledFloat = regions.poolRows(t.castTo(DataType.FLOAT), outRows, outCols);
        assertTrue(pooledFloat.castTo(DataType.DOUBLE).equalsWithEps(pooled, 1e-5), "float pooling");

        // <pool(t), dPooled> = <t, poolBackward(dPooled)>
        INDArray dt = regions.poolRowsBackward(dPooled, outRows, outCols);
        assertArrayEquals(t.shape(), dt.shape());
        double left = pooled.mul(dPooled).sumNumber().doubleValue(), right = t.mul(dt).sumNumber().doubleValue();
        assertEquals(left, right, 1e-10 * Math.abs(left) + 1e-10);
        INDArray dtFloat = regions.poolRowsBackward(dPooled.castTo(DataType.FLOAT), outRows, outCols);
        assertTrue(dtFloat.castTo(DataType.DOUBLE).equalsWithEps(dt, 1e-5), "float backward");
    }

    /** [oh*ow, h*w]: entry (i*ow + j, y*w + x) = rowWeight(i, y) * colWeight(j, x). */
    private static INDArray wholeImageMatrix(long h, long w, long oh, long ow) {
        INDArray pr = AdaptivePooling.matrix(h, oh, DataType.DOUBLE);
        INDArray pc = AdaptivePooling.matrix(w, ow, DataType.DOUBLE);
        INDArray m = Nd4j.create(DataType.DOUBLE, oh * ow, h * w);
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                m.putRow(i * ow + j, pr.getRow(i).reshape(h, 1).mmul(pc.getRow(j).reshape(1, w)).reshape(h * w));
            }
        }
        return m;
    }
}
