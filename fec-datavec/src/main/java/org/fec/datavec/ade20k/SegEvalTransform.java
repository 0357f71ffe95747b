package org.fec.datavec.ade20k;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

/**
 * The FEC authors' ADE20K test pipeline: {@code AlignResize(img_scale=(2048, 512), keep_ratio=True,
 * size_divisor=32)} then {@code Normalize}. AlignResize is two bilinear resizes, as in the reference: mmcv
 * {@code imrescale} to fit (2048, 512) keeping the aspect ratio ({@link SegTrainTransform#rescaleSize}), then
 * {@code imresize} of each side to {@code ceil(side / 32) * 32}. No flip, no padding.
 * <p>
 * The label map is <em>not</em> resized: evaluation compares at the original size, after the model's logits have
 * been resized back to it ({@link Result#originalHeight()}, {@link Result#originalWidth()}).
 */
public final class SegEvalTransform {

    /** The resized, normalised image [3, H', W'] and the size of the image before resizing. */
    public record Result(INDArray image, int originalHeight, int originalWidth) {
    }

    private final int scaleW, scaleH, sizeDivisor;
    private final SegNormalization normalization;

    /** The reference: (2048, 512), multiples of 32, ImageNet mean/std. */
    public SegEvalTransform() {
        this(SegTrainTransform.DEFAULT_SCALE_W, SegTrainTransform.DEFAULT_SCALE_H, 32, SegNormalization.imagenet());
    }

    public SegEvalTransform(int scaleW, int scaleH, int sizeDivisor, SegNormalization normalization) {
        if (scaleW < 1 || scaleH < 1 || sizeDivisor < 1) {
            throw new IllegalArgumentException("Invalid img scale or size divisor");
        }
        this.scaleW = scaleW;
        this.scaleH = scaleH;
        this.sizeDivisor = sizeDivisor;
        this.normalization = normalization;
    }

    /**
     * The network input size for a {@code w x h} image: the keep-ratio size, then each side rounded up to a multiple
     * of {@code sizeDivisor}.
     *
     * @return {width, height}
     */
    public int[] outputSize(int w, int h) {
        int[] r = SegTrainTransform.rescaleSize(w, h, scaleW, scaleH);
        return new int[]{alignUp(r[0], sizeDivisor), alignUp(r[1], sizeDivisor)};
    }

    /** {@code int(ceil(side / divisor)) * divisor}. */
    public static int alignUp(int side, int divisor) {
        return (side + divisor - 1) / divisor * divisor;
    }

    /** AlignResize of a {@code uint8} BGR image. */
    public ByteImage resize(ByteImage bgr) {
        int[] r = SegTrainTransform.rescaleSize(bgr.width(), bgr.height(), scaleW, scaleH);
        ByteImage rescaled = bgr.resize(r[0], r[1], INTER_LINEAR);
        return rescaled.resize(alignUp(r[0], sizeDivisor), alignUp(r[1], sizeDivisor), INTER_LINEAR);
    }

    public Result apply(ByteImage bgr) {
        return new Result(normalization.image(resize(bgr)), bgr.height(), bgr.width());
    }

    /** Decodes (OpenCV, BGR) and transforms an image file. */
    public Result apply(Path image) throws IOException {
        return apply(SegTrainTransform.readBgr(image));
    }

    /**
     * An evaluation sample: the transformed image [3, H', W'] and the label map at the original size [1, H, W].
     *
     * @throws IOException naming the file when a file cannot be decoded or the two sizes differ
     */
    public SegSample apply(Path image, Path label, boolean reduceZeroLabel) throws IOException {
        ByteImage bgr = SegTrainTransform.readBgr(image);
        ByteImage labels = LabelMaps.read(label, reduceZeroLabel);
        SegTrainTransform.checkSameSize(image, bgr, label, labels);
        return new SegSample(apply(bgr).image(), SegNormalization.label(labels));
    }
}
