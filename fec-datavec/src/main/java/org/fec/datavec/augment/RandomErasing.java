package org.fec.datavec.augment;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

/**
 * timm's {@code RandomErasing} ({@code timm/data/random_erasing.py}) in mode 'pixel' on one normalised image
 * ([1, C, H, W] or [C, H, W]), after normalisation as timm applies it: with probability {@code probability}, up to
 * 10 tries to find a box of area {@code uniform(minArea, maxArea) * H * W / count} and log-uniform aspect ratio in
 * [minAspect, 1/minAspect] with {@code h < H} and {@code w < W}; the box gets per-pixel standard normal values.
 * With {@code count > 1} the number of boxes is drawn from 1..count as timm does (1 in the reference).
 */
public final class RandomErasing {

    private final double probability;
    private final double minArea;
    private final double maxArea;
    private final double logAspectLo;
    private final double logAspectHi;
    private final int count;

    /** The reference's settings for {@code --reprob p}: area 0.02-1/3, aspect 0.3-1/0.3, one box, mode 'pixel'. */
    public RandomErasing(double probability) {
        this(probability, 0.02, 1.0 / 3, 0.3, 1);
    }

    public RandomErasing(double probability, double minArea, double maxArea, double minAspect, int count) {
        if (probability < 0 || probability > 1 || minArea <= 0 || maxArea < minArea || minAspect <= 0
                || count < 1) {
            throw new IllegalArgumentException("Invalid random erasing settings: probability " + probability
                    + ", area " + minArea + "-" + maxArea + ", aspect " + minAspect + ", count " + count);
        }
        this.probability = probability;
        this.minArea = minArea;
        this.maxArea = maxArea;
        this.logAspectLo = Math.log(minAspect);
        this.logAspectHi = Math.log(1 / minAspect);
        this.count = count;
    }

    /** Erases in place; returns the boxes erased as {top, left, h, w} (empty when the image was left alone). */
    public int[][] apply(INDArray image, SplittableRandom rnd) {
        long[] shape = image.shape();
        int chans = (int) shape[shape.length - 3], imgH = (int) shape[shape.length - 2];
        int imgW = (int) shape[shape.length - 1];
        if (rnd.nextDouble() > probability) {
            return new int[0][];
        }
        double area = (double) imgH * imgW;
        java.util.List<int[]> boxes = new java.util.ArrayList<>();
        int boxCount = count > 1 ? rnd.nextInt(1, count + 1) : 1;
        for (int n = 0; n < boxCount; n++) {
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = (minArea + (maxArea - minArea) * rnd.nextDouble()) * area / boxCount;
                double aspect = Math.exp(logAspectLo + (logAspectHi - logAspectLo) * rnd.nextDouble());
                int h = (int) Math.round(Math.sqrt(target * aspect));
                int w = (int) Math.round(Math.sqrt(target / aspect));
                if (w < imgW && h < imgH) {
                    int top = rnd.nextInt(imgH - h + 1), left = rnd.nextInt(imgW - w + 1);
                    if (h > 0 && w > 0) {
                        float[] noise = new float[chans * h * w];
                        for (int i = 0; i < noise.length; i++) {
                            noise[i] = (float) rnd.nextGaussian();   // from the caller's stream: reproducible
                        }
                        INDArray box = shape.length == 4
                                ? image.get(NDArrayIndex.all(), NDArrayIndex.all(),
                                NDArrayIndex.interval(top, top + h), NDArrayIndex.interval(left, left + w))
                                : image.get(NDArrayIndex.all(), NDArrayIndex.interval(top, top + h),
                                NDArrayIndex.interval(left, left + w));
                        box.assign(Nd4j.create(noise, box.shape()).castTo(image.dataType()));
                    }
                    boxes.add(new int[]{top, left, h, w});
                    break;
                }
            }
        }
        return boxes.toArray(new int[0][]);
    }
}
