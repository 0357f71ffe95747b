package org.fec.datavec.augment;

import org.fec.datavec.ade20k.ByteImage;

import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation)} (hue 0) on an 8-bit RGB image, as timm's
 * {@code transforms_imagenet_train} builds it from a scalar {@code color_jitter}: the three factors are drawn
 * uniformly from [max(0, 1 - s), 1 + s] and applied in a random order, each through PIL's {@code ImageEnhance}
 * (Brightness, Contrast, and Color for saturation), as torchvision does for PIL images. timm adds it only when
 * auto-augment is off.
 */
public final class ColorJitter {

    private final double brightness;
    private final double contrast;
    private final double saturation;

    public ColorJitter(double strength) {
        this(strength, strength, strength);
    }

    public ColorJitter(double brightness, double contrast, double saturation) {
        if (brightness < 0 || contrast < 0 || saturation < 0) {
            throw new IllegalArgumentException("Colour jitter strengths must be >= 0, got " + brightness + ", "
                    + contrast + ", " + saturation);
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
    }

    /** Jitters an RGB image; returns a new image. */
    public ByteImage apply(ByteImage rgb, SplittableRandom rnd) {
        int[] order = {0, 1, 2};
        for (int i = 2; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = factor(brightness, rnd), c = factor(contrast, rnd), s = factor(saturation, rnd);
        ByteImage img = rgb;
        for (int step : order) {
            img = switch (step) {
                case 0 -> brightness > 0 ? PilEnhance.brightness(img, b) : img;
                case 1 -> contrast > 0 ? PilEnhance.contrast(img, c) : img;
                default -> saturation > 0 ? PilEnhance.color(img, s) : img;
            };
        }
        return img == rgb ? rgb.copy() : img;
    }

    private static double factor(double strength, SplittableRandom rnd) {
        double lo = Math.max(0, 1 - strength), hi = 1 + strength;
        return lo + (hi - lo) * rnd.nextDouble();
    }
}
