package org.fec.datavec;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Training transform: random-resized crop (area scale in [minScale, 1], aspect ratio in [3/4, 4/3], log-uniform,
 * 10 tries then a centre crop, as torchvision), bicubic resize to {@code size}, horizontal flip with probability
 * 0.5, [0, 1] scaling and mean/std normalisation. Each call draws from its own random stream, so decoding threads
 * need no shared state.
 */
public final class TrainTransform {

    private final int size;
    private final double minScale;
    private final Normalization normalization;
    private final SplittableRandom seeds;

    public TrainTransform(int size, double minScale, double[] mean, double[] std, long seed) {
        this.size = size;
        this.minScale = minScale;
        this.normalization = new Normalization(mean, std);
        this.seeds = new SplittableRandom(seed);
    }

    public INDArray apply(Path file) throws IOException {
        SplittableRandom rnd;
        synchronized (seeds) {
            rnd = seeds.split();
        }
        Mat bgr = imread(file.toString(), IMREAD_COLOR);
        if (bgr == null || bgr.empty()) {
            throw new IOException("Cannot decode image " + file);
        }
        Mat resized = new Mat();
        try {
            Rect box = randomCrop(bgr.cols(), bgr.rows(), rnd);
            resize(new Mat(bgr, box), resized, new Size(size, size), 0, 0, INTER_CUBIC);
            if (rnd.nextBoolean()) {
                flip(resized, resized, 1);
            }
            return normalization.toTensor(resized);
        } finally {
            bgr.release();
            resized.release();
        }
    }

    private Rect randomCrop(int w, int h, SplittableRandom rnd) {
        double area = (double) w * h;
        double logLo = Math.log(3.0 / 4.0), logHi = Math.log(4.0 / 3.0);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (1 - minScale) * rnd.nextDouble());
            double ratio = Math.exp(logLo + (logHi - logLo) * rnd.nextDouble());
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                return new Rect(rnd.nextInt(w - cw + 1), rnd.nextInt(h - ch + 1), cw, ch);
            }
        }
        int side = Math.min(w, h);
        return new Rect((w - side) / 2, (h - side) / 2, side, side);
    }
}
