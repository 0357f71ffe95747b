package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SegmentationMetricsTest {

    @Test
    void reduceZeroLabelFollowsMmseg() {
        assertEquals(255, SegmentationMetrics.reduceZero(0));
        assertEquals(0, SegmentationMetrics.reduceZero(1));
        assertEquals(149, SegmentationMetrics.reduceZero(150));
        assertEquals(253, SegmentationMetrics.reduceZero(254));
        assertEquals(255, SegmentationMetrics.reduceZero(255));
    }

    @Test
    void callerArraysAreNotModified() {
        int[] label = {0, 1, 2, 255, 3, 0};
        int[] pred = {0, 0, 1, 2, 2, 4};
        int[] labelCopy = label.clone();
        int[] predCopy = pred.clone();
        new SegmentationMetrics(4, 255, true).add(pred, label);
        assertArrayEquals(labelCopy, label);
        assertArrayEquals(predCopy, pred);

        INDArray labelNd = Nd4j.createFromArray(label).castTo(DataType.UBYTE).reshape(2, 3);
        INDArray before = labelNd.dup();
        new SegmentationMetrics(4, 255, true).add(Nd4j.createFromArray(pred).reshape(2, 3), labelNd);
        assertEquals(before, labelNd);
    }

    /** Hand-counted: out-of-range values fall into no bin, but their pixels stay labelled. */
    @Test
    void outOfRangeValuesCountInNoBin() {
        int[] label = {0, 0, 1, 1, 7, 255, 2};
        int[] pred = {0, 9, 1, 255, 1, 1, -1};
        SegmentationResult r = new SegmentationMetrics(3, 255, false).add(pred, label).result();
        assertArrayEquals(new long[] {1, 1, 0}, r.totalAreaIntersect());
        assertArrayEquals(new long[] {1, 2, 0}, r.totalAreaPredLabel()); // the 1 on label 7 counts, 255-ignored not
        assertArrayEquals(new long[] {2, 2, 1}, r.totalAreaLabel()); // label 7 is in no bin
        assertArrayEquals(new long[] {2, 3, 1}, r.totalAreaUnion());
        assertEquals(2.0 / 5.0, r.aAcc(), 0.0);
        assertArrayEquals(new double[] {0.5, 1.0 / 3.0, 0.0}, r.iou());
        assertArrayEquals(new double[] {0.5, 0.5, 0.0}, r.acc());
    }

    @Test
    void absentClassesAreNaNAndSkippedByTheMeans() {
        // class 2 predicted but never labelled: IoU 0, Acc NaN; class 3 absent: both NaN
        SegmentationResult r = new SegmentationMetrics(4, 255, false).add(new int[] {0, 1, 2}, new int[] {0, 1, 1})
                .result();
        assertArrayEquals(new double[] {1.0, 0.5, 0.0, Double.NaN}, r.iou());
        assertArrayEquals(new double[] {1.0, 0.5, Double.NaN, Double.NaN}, r.acc());
        assertEquals(0.5, r.mIoU(), 0.0);
        assertEquals(0.75, r.mAcc(), 0.0);
        SegmentationResult empty = new SegmentationMetrics(4, 255, false).result();
        assertTrue(Double.isNaN(empty.aAcc()) && Double.isNaN(empty.mIoU()) && Double.isNaN(empty.mAcc()));
    }

    @Test
    void ignoreIndexOtherThan255() {
        SegmentationResult r = new SegmentationMetrics(3, -1, false).add(new int[] {0, 1, 2}, new int[] {0, -1, 255})
                .result();
        assertArrayEquals(new long[] {1, 0, 1}, r.totalAreaPredLabel()); // 255 is now a labelled out-of-range pixel
        assertArrayEquals(new long[] {1, 0, 0}, r.totalAreaLabel());
    }

    /** Batched, strided and typed INDArrays count the same as flat int[] arrays. */
    @Test
    void indArrayPathMatchesIntPath() {
        Random rnd = new Random(7);
        int n = 3, h = 5, w = 4;
        int[] pred = new int[n * h * w];
        int[] label = new int[n * h * w];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = rnd.nextInt(8) - 1; // includes -1 and 6 outside 0..5
            label[i] = rnd.nextInt(10) == 0 ? 255 : rnd.nextInt(8);
        }
        SegmentationResult flat = new SegmentationMetrics(6, 255, true).add(pred, label).result();

        INDArray predNd = Nd4j.createFromArray(pred).castTo(DataType.LONG).reshape(n, h, w);
        INDArray labelNd = Nd4j.createFromArray(label).castTo(DataType.UBYTE).reshape(n, h, w);
        SegmentationResult batched = new SegmentationMetrics(6, 255, true).add(predNd, labelNd).result();
        assertArrayEquals(flat.totalAreaIntersect(), batched.totalAreaIntersect());
        assertArrayEquals(flat.totalAreaPredLabel(), batched.totalAreaPredLabel());
        assertArrayEquals(flat.totalAreaLabel(), batched.totalAreaLabel());

        // the same pixels through permuted (non-contiguous) views
        SegmentationResult viewed = new SegmentationMetrics(6, 255, true)
                .add(predNd.permute(0, 2, 1), labelNd.permute(0, 2, 1)).result();
        assertArrayEquals(flat.totalAreaIntersect(), viewed.totalAreaIntersect());
        assertArrayEquals(flat.totalAreaPredLabel(), viewed.totalAreaPredLabel());
        assertArrayEquals(flat.totalAreaLabel(), viewed.totalAreaLabel());
    }

    @Test
    void badInputsAreRejected() {
        SegmentationMetrics m = new SegmentationMetrics(5, 255, false);
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[3], new int[4]));
        assertThrows(IllegalArgumentException.class,
                () -> m.add(Nd4j.zeros(DataType.LONG, 2, 3), Nd4j.zeros(DataType.LONG, 3, 2)));
        IllegalArgumentException floats = assertThrows(IllegalArgumentException.class,
                () -> m.add(Nd4j.zeros(DataType.FLOAT, 2, 3), Nd4j.zeros(DataType.LONG, 2, 3)));
        assertTrue(floats.getMessage().contains("prediction"), floats.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add(
                Nd4j.createFromArray(1L, 1L << 33), Nd4j.createFromArray(1L, 1L)));
        assertThrows(IllegalArgumentException.class, () -> m.merge(new SegmentationMetrics(5, 255, true)));
        assertThrows(IllegalArgumentException.class, () -> new SegmentationMetrics(1, 255, false));
    }

    @Test
    void percentRoundsLikeNumpy() {
        // np.round(x * 100, 2) values computed with NumPy
        assertEquals(0.12, SegmentationResult.percent(0.00125), 0.0); // 12.5 hundredths: half to even
        assertEquals(0.14, SegmentationResult.percent(0.00135), 0.0);
        assertEquals(0.15, SegmentationResult.percent(0.0015), 0.0);
        assertEquals(12.34, SegmentationResult.percent(0.12345), 0.0);
        assertEquals(66.67, SegmentationResult.percent(2.0 / 3.0), 0.0);
        assertEquals(82.98, SegmentationResult.percent(0.8297872340425532), 0.0);
        assertEquals(99.5, SegmentationResult.percent(0.994999999), 0.0);
        assertEquals(100.0, SegmentationResult.percent(1.0), 0.0);
    }

    @Test
    void percentPrintsLikePython() {
        assertEquals("85.0", SegmentationResult.formatPercent(0.85));
        assertEquals("66.67", SegmentationResult.formatPercent(2.0 / 3.0));
        assertEquals("0.0", SegmentationResult.formatPercent(0.0));
        assertEquals("100.0", SegmentationResult.formatPercent(1.0));
        assertEquals("0.05", SegmentationResult.formatPercent(0.0005));
        assertEquals("3.1", SegmentationResult.formatPercent(0.031));
        assertEquals("nan", SegmentationResult.formatPercent(Double.NaN));
    }

    /** np.nanmean uses pairwise summation; here it differs from a left-to-right sum in the last bit. */
    @Test
    void nanMeanMatchesNumpyBitForBit() {
        double[] a = new double[150];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 7 == 0 ? Double.NaN : 1.0 / (i + 3);
        }
        // np.nanmean(a) with NumPy 2.4; a plain loop gives 0.02597877073025738
        assertEquals(0.02597877073025739, SegmentationResult.nanMean(a), 0.0);
        assertTrue(Double.isNaN(SegmentationResult.nanMean(new double[] {Double.NaN, Double.NaN})));
    }

    @Test
    void tableLooksLikeMmseg() {
        SegmentationResult r = new SegmentationMetrics(3, 255, false)
                .add(new int[] {0, 0, 1, 1, 2}, new int[] {0, 1, 1, 1, 255}).result();
        String expected = String.join("\n",
                "per class results:",
                "+-------+-------+-------+",
                "| Class |  IoU  |  Acc  |",
                "+-------+-------+-------+",
                "|   a   |  50.0 | 100.0 |",
                "|   bb  | 66.67 | 66.67 |",
                "|  ccc  |  nan  |  nan  |",
                "+-------+-------+-------+",
                "Summary:",
                "+------+-------+-------+",
                "| aAcc |  mIoU |  mAcc |",
                "+------+-------+-------+",
                "| 75.0 | 58.33 | 83.33 |",
                "+------+-------+-------+",
                "");
        assertEquals(expected, r.table(java.util.List.of("a", "bb", "ccc")));
        assertEquals("aAcc: 75.0  mIoU: 58.33  mAcc: 83.33", r.summaryLine());
        assertThrows(IllegalArgumentException.class, () -> r.table(java.util.List.of("a")));
    }

    @Test
    void resultIsImmutable() {
        SegmentationMetrics m = new SegmentationMetrics(2, 255, false).add(new int[] {0, 1}, new int[] {0, 1});
        SegmentationResult r = m.result();
        r.iou()[0] = 42;
        r.totalAreaLabel()[0] = 42;
        m.add(new int[] {0}, new int[] {0});
        assertEquals(1.0, r.iou()[0], 0.0);
        assertEquals(1, r.totalAreaLabel()[0]);
    }
}
