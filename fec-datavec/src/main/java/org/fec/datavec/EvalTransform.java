package org.fec.datavec;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.datavec.image.loader.NativeImageLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * timm's evaluation transform: resize the shorter side to {@code size / cropPct} (bicubic), centre crop
 * {@code size x size}, scale to [0, 1], normalise with mean and std; RGB, NCHW [1, 3, size, size].
 * (OpenCV's bicubic does not low-pass filter when shrinking as PIL's does, so pixels differ slightly from timm.)
 */
public final class EvalTransform {

    private final int size;
    private final double cropPct;
    private final double[] mean;
    private final double[] std;
    private final NativeImageLoader loader = new NativeImageLoader();

    public EvalTransform(int size, double cropPct, double[] mean, double[] std) {
        this.size = size;
        this.cropPct = cropPct;
        this.mean = mean.clone();
        this.std = std.clone();
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
        Mat rgb = new Mat();
        try {
            resize(bgr, resized, new Size(newW, newH), 0, 0, INTER_CUBIC);
            int top = (int) Math.round((newH - size) / 2.0), left = (int) Math.round((newW - size) / 2.0);
            Mat crop = new Mat(resized, new Rect(left, top, size, size));
            cvtColor(crop, rgb, COLOR_BGR2RGB);
            INDArray x = loader.asMatrix(rgb).castTo(DataType.FLOAT).divi(255.0);   // [1, 3, size, size]
            for (int c = 0; c < 3; c++) {
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                        .subi(mean[c]).divi(std[c]);
            }
            return x;
        } finally {
            resized.release();
            rgb.release();
        }
    }
}
