package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float per-head products against the double block-diagonal products, and the gradients against each other. */
class HeadBlocksTest {

    @Test
    void floatHeadByHeadProductsMatchTheBlockDiagonalProducts() {
        Nd4j.getRandom().setSeed(12);
        // 2 images, 2x2 fold regions of 10x12 points (n = 120), 3 heads of depth 64, 64 centres per region and
        // head: the float products run on blocks of 64 rows (262144 / (64 * 64)), the last one partial.
        long batch = 2, heads = 3, depth = 64, m = 64;
        Regions regions = new Regions(batch, 20, 24, heads, depth, 2, 2);
        HeadBlocks blocks = new HeadBlocks(regions, m);
        long groups = batch * 4, n = 120;
        INDArray rows = Nd4j.randn(DataType.DOUBLE, groups, n, heads * depth);
        INDArray centres = Nd4j.randn(DataType.DOUBLE, batch * heads * 4, m, depth);
        INDArray dSim = Nd4j.randn(DataType.DOUBLE, groups, n, heads * m);

        INDArray sim = blocks.similarities(rows, centres);
        INDArray dRows = blocks.rowGradient(dSim, centres);
        INDArray dCentres = blocks.centreGradient(rows, dSim);
        // Head h of region g (image b, region r) uses the centres of map (b * heads + h) * 4 + r.
        for (long g : new long[]{0, 5}) {
            for (long h = 0; h < heads; h++) {
                INDArray c = centres.slice((g / 4 * heads + h) * 4 + g % 4);
                INDArray rowsH = rows.slice(g).get(all(), interval(h * depth, (h + 1) * depth));
                INDArray dSimH = dSim.slice(g).get(all(), interval(h * m, (h + 1) * m));
                assertClose(rowsH.mmul(c.transpose()), sim.slice(g).get(all(), interval(h * m, (h + 1) * m)), 1e-12,
                        "similarities");
                assertClose(dSimH.mmul(c), dRows.slice(g).get(all(), interval(h * depth, (h + 1) * depth)), 1e-12,
                        "row gradient");
                assertClose(dSimH.transpose().mmul(rowsH), dCentres.slice((g / 4 * heads + h) * 4 + g % 4), 1e-12,
                        "centre gradient");
            }
        }

        INDArray rowsF = rows.castTo(DataType.FLOAT), centresF = centres.castTo(DataType.FLOAT);
        INDArray dSimF = dSim.castTo(DataType.FLOAT);
        assertClose(sim, blocks.similarities(rowsF, centresF), 1e-5, "float similarities");
        assertClose(dRows, blocks.rowGradient(dSimF, centresF), 1e-5, "float row gradient");
        assertClose(dCentres, blocks.centreGradient(rowsF, dSimF), 1e-5, "float centre gradient");
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex interval(long from, long to) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what);
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double error = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error <= tolerance * scale, what + " off by " + error);
    }
}
