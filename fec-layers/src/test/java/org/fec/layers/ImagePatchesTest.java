package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The float patch copies (Java) against the double ones (ND4J permute), both directions, and one known cell. */
class ImagePatchesTest {

    @Test
    void floatCopiesMatchTheNd4jPermuteAndInvertEachOther() {
        ImagePatches patches = new ImagePatches(2, 3, 8, 12, 4);
        INDArray images = Nd4j.randn(DataType.DOUBLE, 2, 3, 8, 12);
        INDArray rows = patches.rows(images);
        assertEquals(2 * 2 * 3, rows.size(0));
        assertEquals(3 * 4 * 4, rows.size(1));
        assertEquals(rows.castTo(DataType.FLOAT), patches.rows(images.castTo(DataType.FLOAT)), "rows");

        INDArray other = Nd4j.randn(DataType.DOUBLE, 12, 48);
        INDArray back = patches.images(other);
        assertEquals(back.castTo(DataType.FLOAT), patches.images(other.castTo(DataType.FLOAT)), "images");
        assertEquals(images, patches.images(rows), "images(rows(x)) = x");
        assertEquals(images.castTo(DataType.FLOAT), patches.images(patches.rows(images.castTo(DataType.FLOAT))));

        // Image 1, channel 2, pixel (y 5, x 10) is in patch (1, 2), at (c 2, py 1, px 2) of its row.
        assertEquals(images.getDouble(1, 2, 5, 10), rows.getDouble((1 * 2 + 1) * 3 + 2, (2 * 4 + 1) * 4 + 2), 0.0);
    }
}
