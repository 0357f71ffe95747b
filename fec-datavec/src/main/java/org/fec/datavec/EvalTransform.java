package org.fec.datavec;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * timm's evaluation transform: resize the shorter side to {@code size / cropPct} (bicubic), centre crop
 * {@code size x size}, scale to [0, 1], normalise with mean and std; RGB, NCHW [1, 3, size, size].
 * (OpenCV's bicubic does not low-pass filter when shrinking as PIL's does, so pixels differ slightly from timm.)
 */
public final class EvalTransform {

    private final int size;
    private final double cropPct;
    private final Normalization normalization;

    public EvalTransform(int size, double cropPct, double[] mean, double[] std) {
        this.size = size;
        this.cropPct = cropPct;
        this.normalization = new Normalization(mean, std);
    }

    /** The FEC default: 224, crop_pct 0.9, ImageNet mean and std. */
    public static EvalTransform imagenetDefault() {
        return new EvalTransform(224, 0.9, new double[]{0.485, 0.456, 0.406}, new double[]{0.229, 0.224, 0.225});
    }

    public int size() {
        return size;
    }

    /** Decodes and transforms one image file. */
    public INDArray apply(Path file) throws IOException {
        Mat bgr = imread(file.toString(), IMREAD_COLOR);
        if (bgr == null || bgr.empty()) {
            throw new IOException("Cannot decode image " + file);
        }
        try {
            return apply(bgr);
        } finally {
            bgr.release();
        }
    }

    /** Transforms one BGR image (OpenCV's order). */
    public INDArray apply(Mat bgr) throws IOException {
        int h = bgr.rows(), w = bgr.cols();
        int shorter = (int) Math.floor(size / cropPct);
        int newH = h <= w ? shorter : (int) ((long) h * shorter / w);
        int newW = h <= w ? (int) ((long) w * shorter / h) : shorter;
        Mat resized = new Mat();
        try {
            resize(bgr, resized, new Size(newW, newH), 0, 0, INTER_CUBIC);
            int top = (int) Math.round((newH - size) / 2.0), left = (int) Math.round((newW - size) / 2.0);
            Mat crop = new Mat(resized, new Rect(left, top, size, size));
            return normalization.toTensor(crop);
        } finally {
            resized.release();
        }
    }
}
