package org.fec.datavec.ade20k;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * mmcv's {@code imnormalize(img, mean, std, to_rgb=True)} followed by mmseg's {@code Pad}: a {@code uint8} BGR image
 * becomes a float32 RGB tensor [3, H, W] with {@code (x - mean) / std} (mean and std on the 0..255 scale), padded at
 * the bottom and right with 0; label maps become float32 [1, H, W], padded with 255.
 */
public final class SegNormalization {

    /** ImageNet mean, RGB, 0..255 scale (mmseg's {@code img_norm_cfg}). */
    public static final double[] IMAGENET_MEAN = {123.675, 116.28, 103.53};
    /** ImageNet standard deviation, RGB, 0..255 scale. */
    public static final double[] IMAGENET_STD = {58.395, 57.12, 57.375};

    private final float[] mean = new float[3];
    private final float[] stdInv = new float[3];

    public SegNormalization(double[] meanRgb, double[] stdRgb) {
        if (meanRgb.length != 3 || stdRgb.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (RGB)");
        }
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) meanRgb[c];
            stdInv[c] = (float) (1.0 / stdRgb[c]);
        }
    }

    public static SegNormalization imagenet() {
        return new SegNormalization(IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The image as [3, H, W], no padding. */
    public INDArray image(ByteImage bgr) {
        return image(bgr, bgr.height(), bgr.width());
    }

    /**
     * The image as [3, padH, padW]: pixels at the top left, 0 elsewhere (padding is applied after normalisation, as
     * in mmseg's pipeline, so padded pixels are 0 in the normalised space).
     */
    public INDArray image(ByteImage bgr, int padH, int padW) {
        int h = bgr.height(), w = bgr.width();
        if (bgr.channels() != 3 || padH < h || padW < w) {
            throw new IllegalArgumentException("Cannot pad " + bgr + " to " + padW + "x" + padH);
        }
        byte[] src = bgr.data();
        float[] out = new float[3 * padH * padW];
        int plane = padH * padW;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3, d = y * padW + x;
                for (int c = 0; c < 3; c++) {   // RGB channel c is BGR byte 2 - c
                    out[c * plane + d] = ((src[s + 2 - c] & 0xFF) - mean[c]) * stdInv[c];
                }
            }
        }
        return Nd4j.create(out, new long[]{3, padH, padW}, DataType.FLOAT);
    }

    /** A label map as float32 [1, H, W], no padding. */
    public static INDArray label(ByteImage labels) {
        return label(labels, labels.height(), labels.width());
    }

    /** A label map as float32 [1, padH, padW], padded at the bottom and right with 255 (ignore). */
    public static INDArray label(ByteImage labels, int padH, int padW) {
        int h = labels.height(), w = labels.width();
        if (labels.channels() != 1 || padH < h || padW < w) {
            throw new IllegalArgumentException("Cannot pad label map " + labels + " to " + padW + "x" + padH);
        }
        float[] out = new float[padH * padW];
        java.util.Arrays.fill(out, LabelMaps.IGNORE_INDEX);
        byte[] src = labels.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * padW + x] = src[y * w + x] & 0xFF;
            }
        }
        return Nd4j.create(out, new long[]{1, padH, padW}, DataType.FLOAT);
    }
}
