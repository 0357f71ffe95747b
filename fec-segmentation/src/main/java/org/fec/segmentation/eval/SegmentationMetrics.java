package org.fec.segmentation.eval;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accumulates mmsegmentation's per-class pixel histograms ({@code intersect_and_union}) over any
 * number of images; {@link #result()} turns them into aAcc, IoU, Acc, mIoU and mAcc.
 *
 * <p>Per labelled pixel (label != ignoreIndex, after the optional reduce-zero-label mapping of the
 * label): the label is counted in {@code area_label}, the prediction in {@code area_pred_label},
 * and both in {@code area_intersect} when they agree. Values outside {@code [0, numClasses-1]} fall
 * into no bin, as with mmseg's {@code torch.histc(min=0, max=numClasses-1)}, but the pixel still
 * counts as labelled, so a prediction of 255 on a labelled pixel is simply wrong.
 *
 * <p>Not thread-safe: give each thread its own instance and {@link #merge} them.
 */
public final class SegmentationMetrics {
    /** mmseg hard-codes 255 in its reduce_zero_label steps, whatever ignore_index is. */
    private static final int RAW_IGNORE = 255;

    private final int numClasses;
    private final int ignoreIndex;
    private final boolean reduceZeroLabel;
    private final long[] areaIntersect;
    private final long[] areaPredLabel;
    private final long[] areaLabel;

    /**
     * @param numClasses      number of classes (at least 2; mmseg's histc degenerates for a single class)
     * @param ignoreIndex     label value excluded from every count (255 in mmseg)
     * @param reduceZeroLabel ADE20K convention on the label only: 0 becomes 255, k becomes k-1, 255 stays 255
     */
    public SegmentationMetrics(int numClasses, int ignoreIndex, boolean reduceZeroLabel) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.ignoreIndex = ignoreIndex;
        this.reduceZeroLabel = reduceZeroLabel;
        this.areaIntersect = new long[numClasses];
        this.areaPredLabel = new long[numClasses];
        this.areaLabel = new long[numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public boolean reduceZeroLabel() {
        return reduceZeroLabel;
    }

    /** Counts one image (or any set of pixels): flat arrays of the same length, neither is modified. */
    public SegmentationMetrics add(int[] pred, int[] label) {
        if (pred.length != label.length) {
            throw new IllegalArgumentException("prediction and label differ in length: "
                    + pred.length + " vs " + label.length);
        }
        for (int i = 0; i < pred.length; i++) {
            int l = reduceZeroLabel ? reduceZero(label[i]) : label[i];
            if (l == ignoreIndex) {
                continue;
            }
            int p = pred[i];
            boolean labelInRange = l >= 0 && l < numClasses;
            if (labelInRange) {
                areaLabel[l]++;
                if (p == l) {
                    areaIntersect[l]++;
                }
            }
            if (p >= 0 && p < numClasses) {
                areaPredLabel[p]++;
            }
        }
        return this;
    }

    /**
     * Counts predictions and labels of the same shape, e.g. [H,W] or [N,H,W], of any integer data
     * type (argmax gives LONG, label maps are often UBYTE). Neither array is modified.
     *
     * <p>The arrays are copied out of native memory once and counted by {@link #add(int[], int[])}:
     * ND4J's {@code bincount} op was measured about 50x slower than that loop on 2M pixels.
     */
    public SegmentationMetrics add(INDArray pred, INDArray label) {
        if (!Arrays.equals(pred.shape(), label.shape())) {
            throw new IllegalArgumentException("prediction and label differ in shape: "
                    + Arrays.toString(pred.shape()) + " vs " + Arrays.toString(label.shape()));
        }
        return add(ints(pred, "prediction"), ints(label, "label"));
    }

    /** Adds another accumulator's counts (same settings) into this one, e.g. after parallel evaluation. */
    public SegmentationMetrics merge(SegmentationMetrics other) {
        if (other.numClasses != numClasses || other.ignoreIndex != ignoreIndex
                || other.reduceZeroLabel != reduceZeroLabel) {
            throw new IllegalArgumentException("cannot merge metrics with different settings: " + settings()
                    + " vs " + other.settings());
        }
        for (int c = 0; c < numClasses; c++) {
            areaIntersect[c] += other.areaIntersect[c];
            areaPredLabel[c] += other.areaPredLabel[c];
            areaLabel[c] += other.areaLabel[c];
        }
        return this;
    }

    /** The metrics of everything added so far; the accumulator can keep going afterwards. */
    public SegmentationResult result() {
        long[] union = new long[numClasses];
        for (int c = 0; c < numClasses; c++) {
            union[c] = areaPredLabel[c] + areaLabel[c] - areaIntersect[c];
        }
        return new SegmentationResult(areaIntersect, union, areaPredLabel, areaLabel);
    }

    /** mmseg: {@code label[label == 0] = 255; label = label - 1; label[label == 254] = 255}. */
    static int reduceZero(int label) {
        int l = (label == 0 ? RAW_IGNORE : label) - 1;
        return l == RAW_IGNORE - 1 ? RAW_IGNORE : l;
    }

    private static int[] ints(INDArray a, String what) {
        try {
            return LabelMaps.toIntArray(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private String settings() {
        return "numClasses=" + numClasses + ", ignoreIndex=" + ignoreIndex + ", reduceZeroLabel=" + reduceZeroLabel;
    }
}
