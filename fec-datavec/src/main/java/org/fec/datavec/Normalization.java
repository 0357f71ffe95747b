package org.fec.datavec;

import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.loader.NativeImageLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;

/** The last step of both image transforms: a BGR image to an RGB NCHW [1, 3, H, W] tensor, (x/255 - mean) / std. */
final class Normalization {

    private final double[] mean;
    private final double[] std;
    private final NativeImageLoader loader = new NativeImageLoader();

    Normalization(double[] mean, double[] std) {
        this.mean = mean.clone();
        this.std = std.clone();
    }

    INDArray toTensor(Mat bgr) throws IOException {
        Mat rgb = new Mat();
        try {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(bgr, rgb,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB);
            return rgbToTensor(rgb);
        } finally {
            rgb.release();
        }
    }

    /** As {@link #toTensor} for an image already in RGB order. */
    INDArray rgbToTensor(Mat rgb) throws IOException {
        INDArray x = loader.asMatrix(rgb).castTo(DataType.FLOAT).divi(255.0);
        for (int c = 0; c < 3; c++) {
            x.get(NDArrayIndex.all(), NDArrayIndex.point(c)).subi(mean[c]).divi(std[c]);
        }
        return x;
    }
}
