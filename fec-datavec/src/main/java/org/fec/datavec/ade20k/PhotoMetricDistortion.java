package org.fec.datavec.ade20k;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.SplittableRandom;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * mmseg's {@code PhotoMetricDistortion} on a {@code uint8} BGR image, step by step as in mmseg 0.24:
 * <ol>
 *   <li>brightness: with probability p, add {@code uniform(-delta, delta)};</li>
 *   <li>{@code mode}: with probability 0.5 contrast comes first (here), otherwise last;</li>
 *   <li>saturation: with probability p, BGR -&gt; HSV (OpenCV, H in [0, 180)), S *= {@code uniform(lo, hi)},
 *       HSV -&gt; BGR;</li>
 *   <li>hue: with probability p, BGR -&gt; HSV, H = (H + {@code randint(-delta, delta)}) mod 180, HSV -&gt; BGR;</li>
 *   <li>contrast (if not done in step 2): with probability p, multiply by {@code uniform(lo, hi)}.</li>
 * </ol>
 * Every multiply/add is mmseg's {@code convert}: float32 {@code x * alpha + beta}, clipped to [0, 255], truncated
 * back to {@code uint8}. The colour conversions are OpenCV's, as {@code mmcv.bgr2hsv} / {@code hsv2bgr} are. The
 * random numbers come from a {@link SplittableRandom}, so values differ from numpy's stream but the distributions
 * are the same.
 */
public final class PhotoMetricDistortion {

    private final int brightnessDelta;
    private final double contrastLower, contrastUpper;
    private final double saturationLower, saturationUpper;
    private final int hueDelta;
    private final double pBrightness, pContrast, pSaturation, pHue;

    /** The reference: brightness 32, contrast and saturation [0.5, 1.5], hue 18, each step with probability 0.5. */
    public PhotoMetricDistortion() {
        this(32, 0.5, 1.5, 0.5, 1.5, 18, 0.5, 0.5, 0.5, 0.5);
    }

    public PhotoMetricDistortion(int brightnessDelta, double contrastLower, double contrastUpper,
                                 double saturationLower, double saturationUpper, int hueDelta,
                                 double pBrightness, double pContrast, double pSaturation, double pHue) {
        if (brightnessDelta < 0 || hueDelta < 0 || contrastLower > contrastUpper
                || saturationLower > saturationUpper) {
            throw new IllegalArgumentException("Invalid photometric distortion ranges");
        }
        for (double p : new double[]{pBrightness, pContrast, pSaturation, pHue}) {
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("Probability " + p + " outside [0, 1]");
            }
        }
        this.brightnessDelta = brightnessDelta;
        this.contrastLower = contrastLower;
        this.contrastUpper = contrastUpper;
        this.saturationLower = saturationLower;
        this.saturationUpper = saturationUpper;
        this.hueDelta = hueDelta;
        this.pBrightness = pBrightness;
        this.pContrast = pContrast;
        this.pSaturation = pSaturation;
        this.pHue = pHue;
    }

    /** The reference ranges with every step switched off: {@link #apply} returns its input unchanged. */
    public static PhotoMetricDistortion disabled() {
        return new PhotoMetricDistortion(32, 0.5, 1.5, 0.5, 1.5, 18, 0, 0, 0, 0);
    }

    /**
     * Distorts a 3-channel BGR image; returns a new image (the input is not modified).
     */
    public ByteImage apply(ByteImage bgr, SplittableRandom rnd) {
        if (bgr.channels() != 3) {
            throw new IllegalArgumentException("PhotoMetricDistortion needs a 3-channel BGR image, got " + bgr);
        }
        ByteImage img = bgr.copy();
        if (rnd.nextDouble() < pBrightness) {
            convert(img.data(), 0, 1, 1.0, uniform(rnd, -brightnessDelta, brightnessDelta));
        }
        boolean contrastFirst = rnd.nextBoolean();   // mmseg: mode == 1
        if (contrastFirst) {
            contrast(img, rnd);
        }
        if (rnd.nextDouble() < pSaturation) {
            double alpha = uniform(rnd, saturationLower, saturationUpper);
            img = hsvStep(img, hsv -> convert(hsv.data(), 1, 3, alpha, 0));
        }
        if (rnd.nextDouble() < pHue) {
            int delta = hueDelta == 0 ? 0 : rnd.nextInt(-hueDelta, hueDelta);   // numpy randint: upper exclusive
            img = hsvStep(img, hsv -> {
                byte[] d = hsv.data();
                for (int i = 0; i < d.length; i += 3) {
                    d[i] = (byte) Math.floorMod((d[i] & 0xFF) + delta, 180);
                }
            });
        }
        if (!contrastFirst) {
            contrast(img, rnd);
        }
        return img;
    }

    private void contrast(ByteImage img, SplittableRandom rnd) {
        if (rnd.nextDouble() < pContrast) {
            convert(img.data(), 0, 1, uniform(rnd, contrastLower, contrastUpper), 0);
        }
    }

    private static ByteImage hsvStep(ByteImage bgr, java.util.function.Consumer<ByteImage> edit) {
        Mat src = bgr.toMat();
        Mat hsvMat = new Mat();
        Mat back = new Mat();
        try {
            cvtColor(src, hsvMat, COLOR_BGR2HSV);
            ByteImage hsv = ByteImage.fromMat(hsvMat);
            edit.accept(hsv);
            Mat edited = hsv.toMat();
            try {
                cvtColor(edited, back, COLOR_HSV2BGR);
            } finally {
                edited.release();
            }
            return ByteImage.fromMat(back);
        } finally {
            src.release();
            hsvMat.release();
            back.release();
        }
    }

    /**
     * mmseg's {@code convert} on every {@code stride}-th byte from {@code offset}: {@code float32(x) * alpha + beta}
     * in float32, clipped to [0, 255], truncated to {@code uint8}. In place.
     */
    public static void convert(byte[] data, int offset, int stride, double alpha, double beta) {
        float a = (float) alpha, b = (float) beta;
        for (int i = offset; i < data.length; i += stride) {
            float v = (data[i] & 0xFF) * a + b;
            data[i] = (byte) (int) Math.min(255f, Math.max(0f, v));
        }
    }

    private static double uniform(SplittableRandom rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }
}
