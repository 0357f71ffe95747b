package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import org.fec.zoo.io.Npy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** mmsegmentation's numbers on the shared oracle cases ({@code shared/golden/miou}). */
class SegmentationMetricsGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"ade150_reduce_zero_label", "ade150_no_reduce", "small5_no_reduce", "small5_out_of_range"})
    void intArraysReproduceMmseg(String caseName) throws IOException {
        MiouGolden g = MiouGolden.load(caseName);
        SegmentationMetrics metrics = g.newMetrics();
        for (MiouGolden.Image im : g.images()) {
            LabelMap pred = LabelMaps.read(im.pred());
            LabelMap gt = LabelMaps.read(im.gt());
            assertEquals(im.height(), gt.height());
            assertEquals(im.width(), gt.width());
            metrics.add(pred.values(), gt.values());
        }
        g.assertAll(metrics.result());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ade150_reduce_zero_label", "ade150_no_reduce", "small5_no_reduce", "small5_out_of_range"})
    void perImageAreasAndMerge(String caseName) throws IOException {
        MiouGolden g = MiouGolden.load(caseName);
        List<MiouGolden.Image> images = g.images();
        SegmentationMetrics merged = g.newMetrics();
        for (int i = 0; i < images.size(); i++) {
            SegmentationMetrics one = g.newMetrics();
            one.add(LabelMaps.read(images.get(i).pred()).values(), LabelMaps.read(images.get(i).gt()).values());
            SegmentationResult r = one.result();
            var expected = g.expected.get("per_image").get(i);
            String what = caseName + " image " + i;
            assertArrayEquals(MiouGolden.longs(expected.get("area_intersect")), r.totalAreaIntersect(), what);
            assertArrayEquals(MiouGolden.longs(expected.get("area_union")), r.totalAreaUnion(), what);
            assertArrayEquals(MiouGolden.longs(expected.get("area_pred_label")), r.totalAreaPredLabel(), what);
            assertArrayEquals(MiouGolden.longs(expected.get("area_label")), r.totalAreaLabel(), what);
            merged.merge(one);
        }
        g.assertAll(merged.result());
    }

    /** The INDArray path, fed the arrays exactly as Npy reads them (LONG predictions, UBYTE or LONG labels). */
    @ParameterizedTest
    @ValueSource(strings = {"ade150_reduce_zero_label", "ade150_no_reduce", "small5_no_reduce", "small5_out_of_range"})
    void indArraysReproduceMmseg(String caseName) throws IOException {
        MiouGolden g = MiouGolden.load(caseName);
        SegmentationMetrics metrics = g.newMetrics();
        for (MiouGolden.Image im : g.images()) {
            INDArray pred = Npy.read(im.pred());
            INDArray gt = Npy.read(im.gt());
            assertEquals(DataType.LONG, pred.dataType());
            assertEquals("uint8".equals(im.gtDtype()) ? DataType.UBYTE : DataType.LONG, gt.dataType());
            INDArray gtBefore = gt.dup();
            // as [1,H,W], the batch layout of a segmentation head's argmax
            metrics.add(pred.reshape(1, im.height(), im.width()), gt.reshape(1, im.height(), im.width()));
            assertEquals(gtBefore, gt, "the label array must not be modified");
        }
        g.assertAll(metrics.result());
    }
}
