package org.fec.datavec.augment;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** timm's batch-mode mixup/CutMix: mixing of i with N-1-i, lam correction, smoothed soft targets, seeding. */
class MixupTest {

    private static final int K = 4;

    private static DataSet batch(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, K);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % K, 1.0);
        }
        return new DataSet(x, y);
    }

    private static double smoothed(int row, int k) {
        return row % K == k ? 1 - 0.1 + 0.1 / K : 0.1 / K;
    }

    @Test
    void mixupIsAConvexCombinationOfSampleIAndNMinus1MinusI() {
        DataSet ds = batch(6, 1);
        INDArray x0 = ds.getFeatures().dup();
        Mixup m = new Mixup(0.8, 0, 1, 0.5, 0.1, 5);
        m.preProcess(ds);
        double lam = m.lastLambda();
        assertTrue(lam > 0 && lam < 1);
        assertNull(m.lastBox());
        for (int i = 0; i < 6; i++) {
            INDArray expected = x0.slice(i).mul(lam).addi(x0.slice(5 - i).mul(1 - lam));
            assertTrue(expected.equalsWithEps(ds.getFeatures().slice(i), 1e-5), "sample " + i);
            for (int k = 0; k < K; k++) {
                double t = lam * smoothed(i, k) + (1 - lam) * smoothed(5 - i, k);
                assertEquals(t, ds.getLabels().getDouble(i, k), 1e-6);
            }
        }
        assertTargetsSumToOne(ds);
    }

    @Test
    void cutmixCopiesTheBoxFromTheFlippedBatchAndCorrectsLam() {
        for (long seed = 0; seed < 20; seed++) {
            DataSet ds = batch(4, seed);
            INDArray x0 = ds.getFeatures().dup();
            Mixup m = new Mixup(0, 1.0, 1, 0.5, 0.1, seed);
            m.preProcess(ds);
            int[] box = m.lastBox();
            assertNotNull(box);
            double area = (double) (box[1] - box[0]) * (box[3] - box[2]);
            assertEquals(1 - area / 64, m.lastLambda(), 1e-12, "lam = 1 - box area / image area");
            for (int i = 0; i < 4; i++) {
                for (int yy = 0; yy < 8; yy++) {
                    for (int xx = 0; xx < 8; xx++) {
                        boolean inside = yy >= box[0] && yy < box[1] && xx >= box[2] && xx < box[3];
                        double want = x0.getDouble(inside ? 3 - i : i, 1, yy, xx);
                        assertEquals(want, ds.getFeatures().getDouble(i, 1, yy, xx), 0.0);
                    }
                }
            }
            assertTargetsSumToOne(ds);
        }
    }

    @Test
    void unmixedBatchesStillGetSmoothedTargets() {
        DataSet ds = batch(4, 2);
        INDArray x0 = ds.getFeatures().dup();
        Mixup m = new Mixup(0.8, 1.0, 0.0, 0.5, 0.1, 1);
        m.preProcess(ds);
        assertEquals(x0, ds.getFeatures());
        assertEquals(1.0, m.lastLambda());
        assertEquals(0.925, ds.getLabels().getDouble(1, 1), 1e-6);
        assertEquals(0.025, ds.getLabels().getDouble(1, 0), 1e-6);
    }

    @Test
    void bothModesAreUsedAndTheSameSeedGivesTheSameBatches() {
        int cut = 0;
        for (int b = 0; b < 200; b++) {
            Mixup m = new Mixup(0.8, 1.0, 1.0, 0.5, 0.1, b);
            m.preProcess(batch(2, 0));
            cut += m.lastBox() != null ? 1 : 0;
        }
        assertEquals(100, cut, 25, "switch probability 0.5");

        DataSet a = batch(6, 3), b = batch(6, 3);
        Mixup ma = new Mixup(0.8, 1.0, 1.0, 0.5, 0.1, 42), mb = new Mixup(0.8, 1.0, 1.0, 0.5, 0.1, 42);
        for (int i = 0; i < 3; i++) {
            ma.preProcess(a);
            mb.preProcess(b);
        }
        assertEquals(a.getFeatures(), b.getFeatures());
        assertEquals(a.getLabels(), b.getLabels());
    }

    @Test
    void oddBatchPairsTheMiddleSampleWithItself() {
        DataSet ds = batch(5, 4);
        INDArray x0 = ds.getFeatures().dup();
        new Mixup(0.8, 0, 1, 0.5, 0.1, 9).preProcess(ds);
        assertTrue(x0.slice(2).equalsWithEps(ds.getFeatures().slice(2), 1e-5));
        assertEquals(smoothed(2, 2), ds.getLabels().getDouble(2, 2), 1e-6);
        assertTargetsSumToOne(ds);
    }

    @Test
    void betaHasTheRightMoments() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 40000;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double v = Mixup.beta(0.8, rnd);
            assertTrue(v >= 0 && v <= 1);
            sum += v;
            sq += v * v;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assertEquals(0.5, mean, 0.01);
        assertEquals(1 / (4 * 2.6), var, 0.005);   // Beta(a, a): 1 / (4 (2a + 1))
        assertThrows(IllegalArgumentException.class, () -> new Mixup(0, 0, 1, 0.5, 0.1, 1));
    }

    private static void assertTargetsSumToOne(DataSet ds) {
        INDArray sums = ds.getLabels().sum(1);
        for (int i = 0; i < sums.length(); i++) {
            assertEquals(1.0, sums.getDouble(i), 1e-5);
        }
    }
}
