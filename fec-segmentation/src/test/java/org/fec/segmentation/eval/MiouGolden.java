package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.fec.zoo.testutil.GoldenFiles;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** One case of {@code shared/golden/miou}: mmseg's expected numbers and the label maps they came from. */
final class MiouGolden {
    final String name;
    final JsonNode expected;
    final int numClasses;
    final int ignoreIndex;
    final boolean reduceZeroLabel;

    private MiouGolden(String name, JsonNode expected) {
        this.name = name;
        this.expected = expected;
        this.numClasses = expected.get("num_classes").asInt();
        this.ignoreIndex = expected.get("ignore_index").asInt();
        this.reduceZeroLabel = expected.get("reduce_zero_label").asBoolean();
    }

    static MiouGolden load(String name) throws IOException {
        Path json = GoldenFiles.file("miou", name, "expected.json");
        return new MiouGolden(name, new ObjectMapper().readTree(json.toFile()));
    }

    /** One image's files and dtypes as listed in expected.json. */
    record Image(Path pred, Path gt, int height, int width, String gtDtype) {
    }

    List<Image> images() {
        List<Image> out = new ArrayList<>();
        for (JsonNode im : expected.get("images")) {
            out.add(new Image(GoldenFiles.file("miou", name, im.get("pred").asText()),
                    GoldenFiles.file("miou", name, im.get("gt").asText()),
                    im.get("shape_hw").get(0).asInt(), im.get("shape_hw").get(1).asInt(),
                    im.get("gt_dtype").asText()));
        }
        return out;
    }

    SegmentationMetrics newMetrics() {
        return new SegmentationMetrics(numClasses, ignoreIndex, reduceZeroLabel);
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).longValue();
        }
        return out;
    }

    /** JSON numbers as doubles, null as NaN (mmseg's 0/0). */
    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).doubleValue();
        }
        return out;
    }

    /** The four total areas equal the JSON's exactly. */
    void assertTotals(SegmentationResult r) {
        assertArrayEquals(longs(expected.get("total_area_intersect")), r.totalAreaIntersect(), name + " intersect");
        assertArrayEquals(longs(expected.get("total_area_union")), r.totalAreaUnion(), name + " union");
        assertArrayEquals(longs(expected.get("total_area_pred_label")), r.totalAreaPredLabel(), name + " pred_label");
        assertArrayEquals(longs(expected.get("total_area_label")), r.totalAreaLabel(), name + " label");
    }

    /** Totals, per-class fractions (exact, NaN for null), aAcc exact, mIoU/mAcc to 1e-12, rounded percents. */
    void assertAll(SegmentationResult r) {
        assertTotals(r);
        // assertArrayEquals on double[] compares bit patterns, so NaN matches NaN and nothing else
        assertArrayEquals(doubles(expected.get("IoU")), r.iou(), name + " IoU");
        assertArrayEquals(doubles(expected.get("Acc")), r.acc(), name + " Acc");
        assertEquals(expected.get("aAcc").doubleValue(), r.aAcc(), 0.0, name + " aAcc");
        assertEquals(expected.get("mIoU").doubleValue(), r.mIoU(), 1e-12, name + " mIoU");
        assertEquals(expected.get("mAcc").doubleValue(), r.mAcc(), 1e-12, name + " mAcc");

        JsonNode pct = expected.get("per_class_percent_rounded");
        assertArrayEquals(doubles(pct.get("IoU")), percents(r.iou()), name + " IoU %");
        assertArrayEquals(doubles(pct.get("Acc")), percents(r.acc()), name + " Acc %");
        JsonNode summary = expected.get("mmseg_1x_summary_percent");
        assertEquals(summary.get("aAcc").doubleValue(), SegmentationResult.percent(r.aAcc()), 0.0, name + " aAcc %");
        assertEquals(summary.get("mIoU").doubleValue(), SegmentationResult.percent(r.mIoU()), 0.0, name + " mIoU %");
        assertEquals(summary.get("mAcc").doubleValue(), SegmentationResult.percent(r.mAcc()), 0.0, name + " mAcc %");
    }

    private static double[] percents(double[] fractions) {
        double[] out = new double[fractions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = SegmentationResult.percent(fractions[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
