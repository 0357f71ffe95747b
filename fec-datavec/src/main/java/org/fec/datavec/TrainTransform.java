package org.fec.datavec;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.fec.datavec.ade20k.ByteImage;
import org.fec.datavec.augment.ColorJitter;
import org.fec.datavec.augment.RandAugment;
import org.fec.datavec.augment.RandomErasing;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Training transform in timm's order ({@code transforms_imagenet_train}): random-resized crop (area scale in
 * [minScale, 1], aspect ratio in [3/4, 4/3], log-uniform, 10 tries then a centre crop, as torchvision), bicubic
 * resize to {@code size}, horizontal flip with probability 0.5; then on the 8-bit RGB image either RandAugment or,
 * only when RandAugment is off (timm adds colour jitter only without auto-augment), colour jitter; then [0, 1]
 * scaling and mean/std normalisation; then random erasing on the normalised tensor. Each call draws from its own
 * random stream, so decoding threads need no shared state and a run is reproducible from its seed.
 */
public final class TrainTransform {

    private final int size;
    private final double minScale;
    private final Normalization normalization;
    private final RandAugment randAugment;
    private final ColorJitter colorJitter;
    private final RandomErasing erasing;
    private final SplittableRandom seeds;

    /** Crop, flip and normalisation only. */
    public TrainTransform(int size, double minScale, double[] mean, double[] std, long seed) {
        this(size, minScale, mean, std, null, null, null, seed);
    }

    /**
     * With the given augmentations; null switches one off. {@code colorJitter} is ignored when
     * {@code randAugment} is set, as in timm.
     */
    public TrainTransform(int size, double minScale, double[] mean, double[] std, RandAugment randAugment,
                          ColorJitter colorJitter, RandomErasing erasing, long seed) {
        this.size = size;
        this.minScale = minScale;
        this.normalization = new Normalization(mean, std);
        this.randAugment = randAugment;
        this.colorJitter = randAugment == null ? colorJitter : null;
        this.erasing = erasing;
        this.seeds = new SplittableRandom(seed);
    }

    /**
     * timm's recipe from its command-line values: {@code autoAugment} a RandAugment string or "none"/empty,
     * colour jitter strength (used only when auto-augment is off; 0 = off), random-erasing probability (0 = off).
     * The RandAugment fill colour is {@code round(255 * mean)}.
     *
     * @throws IllegalArgumentException for a bad auto-augment string, naming it
     */
    public static TrainTransform timm(int size, double minScale, double[] mean, double[] std, String autoAugment,
                                      double colorJitter, double reprob, long seed) {
        RandAugment aa = autoAugmentOff(autoAugment) ? null : RandAugment.parse(autoAugment, mean);
        return new TrainTransform(size, minScale, mean, std, aa,
                colorJitter > 0 ? new ColorJitter(colorJitter) : null,
                reprob > 0 ? new RandomErasing(reprob) : null, seed);
    }

    /** Whether an auto-augment option value means "off" (null, empty or "none"). */
    public static boolean autoAugmentOff(String autoAugment) {
        return autoAugment == null || autoAugment.isBlank() || autoAugment.trim().equalsIgnoreCase("none");
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
            INDArray x = randAugment == null && colorJitter == null ? normalization.toTensor(resized)
                    : augmented(resized, rnd);
            if (erasing != null) {
                erasing.apply(x, rnd);
            }
            return x;
        } finally {
            bgr.release();
            resized.release();
        }
    }

    private INDArray augmented(Mat bgr, SplittableRandom rnd) throws IOException {
        Mat rgbMat = new Mat();
        cvtColor(bgr, rgbMat, COLOR_BGR2RGB);
        ByteImage rgb;
        try {
            rgb = ByteImage.fromMat(rgbMat);
        } finally {
            rgbMat.release();
        }
        rgb = randAugment != null ? randAugment.apply(rgb, rnd) : colorJitter.apply(rgb, rnd);
        Mat out = rgb.toMat();
        try {
            return normalization.rgbToTensor(out);
        } finally {
            out.release();
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
