package org.fec.datavec.ade20k;

import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;

/**
 * mmseg's ADE20K training pipeline (the FEC / PoolFormer segmentation configs) after loading:
 * <ol>
 *   <li>{@code Resize(img_scale=(2048, 512), ratio_range=(0.5, 2.0))}: ratio r ~ U[0.5, 2.0), scale
 *       {@code (int(2048 r), int(512 r))}, then mmcv {@code imrescale} (keep ratio, {@link #rescaleSize}), image
 *       bilinear, labels nearest;</li>
 *   <li>{@code RandomCrop(crop_size, cat_max_ratio=0.75)}: offset uniform over the margins; while fewer than two
 *       classes are in the crop or one class holds {@code >= cat_max_ratio} of its non-ignored pixels, a new offset
 *       is drawn, at most 10 times (the 10th redraw is kept unchecked); crops of smaller images are clipped;</li>
 *   <li>{@code RandomFlip(prob=0.5)}, horizontal;</li>
 *   <li>{@link PhotoMetricDistortion};</li>
 *   <li>{@code Normalize} (ImageNet mean/std, to RGB) and {@code Pad(size=crop_size, pad_val=0, seg_pad_val=255)}.</li>
 * </ol>
 * The image stays {@code uint8} until normalisation, as in mmseg (which loads {@code uint8} and converts back to it
 * in every photometric step). Output: image [3, crop, crop] and label [1, crop, crop], float32.
 * <p>
 * Randomness: each sample uses its own {@link SplittableRandom} built from a sample seed, so a result depends only on
 * the inputs and that seed, whichever thread computes it. {@link SegmentationIterator} draws the sample seeds from its
 * own seeded stream in submission order, which makes whole runs reproducible.
 */
public final class SegTrainTransform {

    public static final int DEFAULT_CROP_SIZE = 512;
    public static final int DEFAULT_SCALE_W = 2048;
    public static final int DEFAULT_SCALE_H = 512;
    public static final double DEFAULT_MIN_RATIO = 0.5;
    public static final double DEFAULT_MAX_RATIO = 2.0;
    public static final double DEFAULT_CAT_MAX_RATIO = 0.75;
    /** mmseg's RandomCrop: the first draw plus at most 10 redraws. */
    public static final int CROP_REDRAWS = 10;

    /** The augmented sample before normalisation: a {@code uint8} BGR image and its labels, same size. */
    public record Augmented(ByteImage image, ByteImage label) {
    }

    private final int cropSize;
    private final int scaleW, scaleH;
    private final double minRatio, maxRatio;
    private final double catMaxRatio;
    private final double flipProb;
    private final PhotoMetricDistortion photometric;
    private final SegNormalization normalization;
    private final SplittableRandom seeds;

    /** The reference pipeline with seed 0. */
    public SegTrainTransform() {
        this(0L);
    }

    /** The reference pipeline: crop 512, img_scale (2048, 512), ratio [0.5, 2.0], cat_max_ratio 0.75. */
    public SegTrainTransform(long seed) {
        this(DEFAULT_CROP_SIZE, DEFAULT_SCALE_W, DEFAULT_SCALE_H, DEFAULT_MIN_RATIO, DEFAULT_MAX_RATIO,
                DEFAULT_CAT_MAX_RATIO, seed);
    }

    /**
     * @param cropSize    square crop (and pad) size
     * @param scaleW      img_scale, first value (2048); only max/min of the pair matter (mmcv keep-ratio rule)
     * @param scaleH      img_scale, second value (512)
     * @param minRatio    ratio range lower end
     * @param maxRatio    ratio range upper end
     * @param catMaxRatio RandomCrop's cat_max_ratio; 1 switches the check off
     * @param seed        seed of the stream used by {@link #apply(ByteImage, ByteImage)}
     */
    public SegTrainTransform(int cropSize, int scaleW, int scaleH, double minRatio, double maxRatio,
                             double catMaxRatio, long seed) {
        this(cropSize, scaleW, scaleH, minRatio, maxRatio, catMaxRatio, 0.5, new PhotoMetricDistortion(),
                SegNormalization.imagenet(), seed);
    }

    /** Everything configurable, including the flip probability, photometric steps and normalisation. */
    public SegTrainTransform(int cropSize, int scaleW, int scaleH, double minRatio, double maxRatio,
                             double catMaxRatio, double flipProb, PhotoMetricDistortion photometric,
                             SegNormalization normalization, long seed) {
        if (cropSize < 1 || scaleW < 1 || scaleH < 1 || minRatio <= 0 || minRatio > maxRatio) {
            throw new IllegalArgumentException("Invalid crop size, img scale or ratio range");
        }
        if (flipProb < 0 || flipProb > 1) {
            throw new IllegalArgumentException("Flip probability " + flipProb + " outside [0, 1]");
        }
        this.cropSize = cropSize;
        this.scaleW = scaleW;
        this.scaleH = scaleH;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        this.catMaxRatio = catMaxRatio;
        this.flipProb = flipProb;
        this.photometric = photometric;
        this.normalization = normalization;
        this.seeds = new SplittableRandom(seed);
    }

    public int cropSize() {
        return cropSize;
    }

    /** The next sample seed of this transform's own stream (thread-safe). */
    public long nextSeed() {
        synchronized (seeds) {
            return seeds.nextLong();
        }
    }

    /**
     * Decodes an image (OpenCV, BGR) and its label map ({@link LabelMaps#read}) and transforms them.
     *
     * @throws IOException naming the file when a file cannot be decoded or the two sizes differ
     */
    public SegSample apply(Path image, Path label, boolean reduceZeroLabel, long sampleSeed) throws IOException {
        ByteImage bgr = readBgr(image);
        ByteImage labels = LabelMaps.read(label, reduceZeroLabel);
        checkSameSize(image, bgr, label, labels);
        return apply(bgr, labels, sampleSeed);
    }

    /** Transforms with the next seed of this transform's stream. */
    public SegSample apply(ByteImage bgr, ByteImage labels) {
        return apply(bgr, labels, nextSeed());
    }

    /** Transforms one sample; the same inputs and seed always give the same output. */
    public SegSample apply(ByteImage bgr, ByteImage labels, long sampleSeed) {
        Augmented a = augment(bgr, labels, new SplittableRandom(sampleSeed));
        return new SegSample(normalization.image(a.image(), cropSize, cropSize),
                SegNormalization.label(a.label(), cropSize, cropSize));
    }

    /** Steps 1-4 (resize, crop, flip, photometric distortion), without normalisation and padding. */
    public Augmented augment(ByteImage bgr, ByteImage labels, SplittableRandom rnd) {
        if (bgr.channels() != 3 || labels.channels() != 1) {
            throw new IllegalArgumentException("Expected a BGR image and a single-channel label map, got " + bgr
                    + " and " + labels);
        }
        if (bgr.width() != labels.width() || bgr.height() != labels.height()) {
            throw new IllegalArgumentException("Image " + bgr.width() + "x" + bgr.height() + " and label map "
                    + labels.width() + "x" + labels.height() + " differ in size");
        }
        // 1. Resize with a random ratio, keep aspect ratio
        double ratio = rnd.nextDouble() * (maxRatio - minRatio) + minRatio;
        int[] scale = {(int) (scaleW * ratio), (int) (scaleH * ratio)};
        int[] size = rescaleSize(bgr.width(), bgr.height(), scale[0], scale[1]);
        ByteImage img = bgr.resize(size[0], size[1], INTER_LINEAR);
        ByteImage seg = labels.resize(size[0], size[1], INTER_NEAREST);
        // 2. Random crop with cat_max_ratio
        int[] offset = cropOffset(seg, cropSize, cropSize, catMaxRatio, LabelMaps.IGNORE_INDEX, rnd);
        img = img.crop(offset[0], offset[1], cropSize, cropSize);
        seg = seg.crop(offset[0], offset[1], cropSize, cropSize);
        // 3. Horizontal flip
        if (rnd.nextDouble() < flipProb) {
            img = img.flipHorizontal();
            seg = seg.flipHorizontal();
        }
        // 4. Photometric distortion
        img = photometric.apply(img, rnd);
        return new Augmented(img, seg);
    }

    /**
     * mmcv {@code rescale_size((w, h), (scaleA, scaleB))}: factor {@code min(max(scale) / max(w, h),
     * min(scale) / min(w, h))}, new size {@code (int(w * f + 0.5), int(h * f + 0.5))}.
     *
     * @return {newWidth, newHeight}
     */
    public static int[] rescaleSize(int w, int h, int scaleA, int scaleB) {
        double maxLong = Math.max(scaleA, scaleB), maxShort = Math.min(scaleA, scaleB);
        double f = Math.min(maxLong / Math.max(h, w), maxShort / Math.min(h, w));
        return new int[]{(int) (w * f + 0.5), (int) (h * f + 0.5)};
    }

    /**
     * mmseg {@code RandomCrop}'s choice of the crop's top-left corner on a label map.
     *
     * @return {x, y}
     */
    public static int[] cropOffset(ByteImage labels, int cropH, int cropW, double catMaxRatio, int ignoreIndex,
                                   SplittableRandom rnd) {
        int marginH = Math.max(labels.height() - cropH, 0), marginW = Math.max(labels.width() - cropW, 0);
        int y = rnd.nextInt(marginH + 1), x = rnd.nextInt(marginW + 1);
        if (catMaxRatio < 1.0) {
            for (int attempt = 0; attempt < CROP_REDRAWS; attempt++) {
                if (acceptable(labels, x, y, cropW, cropH, catMaxRatio, ignoreIndex)) {
                    break;
                }
                y = rnd.nextInt(marginH + 1);
                x = rnd.nextInt(marginW + 1);
            }
        }
        return new int[]{x, y};
    }

    /** mmseg's test: {@code len(cnt) > 1 and max(cnt) / sum(cnt) < cat_max_ratio}, counts without the ignore index. */
    static boolean acceptable(ByteImage labels, int x1, int y1, int cropW, int cropH, double catMaxRatio,
                              int ignoreIndex) {
        int x2 = Math.min(labels.width(), x1 + cropW), y2 = Math.min(labels.height(), y1 + cropH);
        long[] counts = new long[256];
        byte[] d = labels.data();
        for (int y = y1; y < y2; y++) {
            int row = y * labels.width();
            for (int x = x1; x < x2; x++) {
                counts[d[row + x] & 0xFF]++;
            }
        }
        long max = 0, sum = 0;
        int classes = 0;
        for (int v = 0; v < 256; v++) {
            if (v == ignoreIndex || counts[v] == 0) {
                continue;
            }
            classes++;
            sum += counts[v];
            max = Math.max(max, counts[v]);
        }
        return classes > 1 && (double) max / sum < catMaxRatio;
    }

    static ByteImage readBgr(Path image) throws IOException {
        Mat bgr = imread(image.toString(), IMREAD_COLOR);
        if (bgr == null || bgr.empty()) {
            throw new IOException("Cannot decode image " + image);
        }
        try {
            return ByteImage.fromMat(bgr);
        } finally {
            bgr.release();
        }
    }

    static void checkSameSize(Path image, ByteImage bgr, Path label, ByteImage labels) throws IOException {
        if (bgr.width() != labels.width() || bgr.height() != labels.height()) {
            throw new IOException("Image " + image + " (" + bgr.width() + "x" + bgr.height() + ") and label map "
                    + label + " (" + labels.width() + "x" + labels.height() + ") differ in size");
        }
    }
}
