package org.fec.datavec.augment;

import org.fec.datavec.ade20k.ByteImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm's RandAugment ({@code timm/data/auto_augment.py}, {@code rand_augment_transform}) on an 8-bit RGB image:
 * {@code n} operations drawn uniformly with replacement from the operation set, each applied with probability 0.5
 * at magnitude {@code m} (plus Gaussian noise of std {@code mstd} per call, clipped to [0, mmax], default 10), with
 * a random sign for signed arguments and a random choice between bilinear and bicubic resampling for the
 * geometric ones (timm's {@code _RANDOM_INTERPOLATION}, used when the training interpolation is 'random', the
 * reference's default). Fill colour for geometric operations: the dataset mean in 0..255 ({@code img_mean}).
 * <p>
 * Configuration strings as timm's: {@code rand-m9-mstd0.5-inc1} = magnitude 9, noise 0.5, the "increasing" set
 * ({@code _RAND_INCREASING_TRANSFORMS}); sections {@code mN}, {@code nN} (layers, default 2), {@code mstdS}
 * (above 100: magnitude uniform in [0, m]), {@code mmaxN}, {@code incB}. Without {@code inc1} the original set
 * ({@code _RAND_TRANSFORMS}) is used; note timm tests {@code bool("0")}, which is true in Python, so in timm even
 * {@code inc0} selects the increasing set, while here {@code inc0} means the original set. Weighted choice
 * ({@code wN}) is not implemented and rejected. Random numbers come from the caller's {@link SplittableRandom},
 * so values differ from Python's stream but the distributions are the same.
 */
public final class RandAugment {

    private static final double LEVEL_DENOM = 10.0;

    /** One operation of timm's tables: its name there and how a magnitude becomes its argument. */
    public enum Op {
        AUTO_CONTRAST("AutoContrast"), EQUALIZE("Equalize"), INVERT("Invert"), ROTATE("Rotate"),
        POSTERIZE("Posterize"), POSTERIZE_INCREASING("PosterizeIncreasing"), SOLARIZE("Solarize"),
        SOLARIZE_INCREASING("SolarizeIncreasing"), SOLARIZE_ADD("SolarizeAdd"), COLOR("Color"),
        COLOR_INCREASING("ColorIncreasing"), CONTRAST("Contrast"), CONTRAST_INCREASING("ContrastIncreasing"),
        BRIGHTNESS("Brightness"), BRIGHTNESS_INCREASING("BrightnessIncreasing"), SHARPNESS("Sharpness"),
        SHARPNESS_INCREASING("SharpnessIncreasing"), SHEAR_X("ShearX"), SHEAR_Y("ShearY"),
        TRANSLATE_X_REL("TranslateXRel"), TRANSLATE_Y_REL("TranslateYRel");

        public final String timmName;

        Op(String timmName) {
            this.timmName = timmName;
        }

        /**
         * timm's {@code LEVEL_TO_ARG} at magnitude {@code level} (already clipped), with {@code negate} as the
         * outcome of its random sign; NaN for operations without an argument.
         */
        public double argument(double level, boolean negate) {
            double sign = negate ? -1 : 1;
            return switch (this) {
                case AUTO_CONTRAST, EQUALIZE, INVERT -> Double.NaN;
                case ROTATE -> sign * (level / LEVEL_DENOM) * 30.0;
                case POSTERIZE -> (int) ((level / LEVEL_DENOM) * 4);
                case POSTERIZE_INCREASING -> 4 - (int) ((level / LEVEL_DENOM) * 4);
                case SOLARIZE -> (int) ((level / LEVEL_DENOM) * 256);
                case SOLARIZE_INCREASING -> 256 - (int) ((level / LEVEL_DENOM) * 256);
                case SOLARIZE_ADD -> (int) ((level / LEVEL_DENOM) * 110);
                case COLOR, CONTRAST, BRIGHTNESS, SHARPNESS -> (level / LEVEL_DENOM) * 1.8 + 0.1;
                case COLOR_INCREASING, CONTRAST_INCREASING, BRIGHTNESS_INCREASING, SHARPNESS_INCREASING ->
                        Math.max(0.1, 1.0 + sign * ((level / LEVEL_DENOM) * 0.9));
                case SHEAR_X, SHEAR_Y -> sign * (level / LEVEL_DENOM) * 0.3;
                case TRANSLATE_X_REL, TRANSLATE_Y_REL -> sign * (level / LEVEL_DENOM) * TRANSLATE_PCT;
            };
        }

        /** Whether timm draws a random sign for this operation's argument. */
        boolean signed() {
            return switch (this) {
                case ROTATE, SHEAR_X, SHEAR_Y, TRANSLATE_X_REL, TRANSLATE_Y_REL, COLOR_INCREASING,
                        CONTRAST_INCREASING, BRIGHTNESS_INCREASING, SHARPNESS_INCREASING -> true;
                default -> false;
            };
        }

        boolean geometric() {
            return switch (this) {
                case ROTATE, SHEAR_X, SHEAR_Y, TRANSLATE_X_REL, TRANSLATE_Y_REL -> true;
                default -> false;
            };
        }

        /** Applies the operation with its argument ({@link #argument}). */
        public ByteImage apply(ByteImage img, double arg, PilAffine.Resample resample, int[] fill) {
            return switch (this) {
                case AUTO_CONTRAST -> PilOps.autocontrast(img);
                case EQUALIZE -> PilOps.equalize(img);
                case INVERT -> PilOps.invert(img);
                case ROTATE -> PilAffine.rotate(img, arg, resample, fill);
                case POSTERIZE, POSTERIZE_INCREASING -> PilOps.posterize(img, (int) arg);
                case SOLARIZE, SOLARIZE_INCREASING -> PilOps.solarize(img, (int) arg);
                case SOLARIZE_ADD -> PilOps.solarizeAdd(img, (int) arg, 128);
                case COLOR, COLOR_INCREASING -> PilEnhance.color(img, arg);
                case CONTRAST, CONTRAST_INCREASING -> PilEnhance.contrast(img, arg);
                case BRIGHTNESS, BRIGHTNESS_INCREASING -> PilEnhance.brightness(img, arg);
                case SHARPNESS, SHARPNESS_INCREASING -> PilEnhance.sharpness(img, arg);
                case SHEAR_X -> PilAffine.shearX(img, arg, resample, fill);
                case SHEAR_Y -> PilAffine.shearY(img, arg, resample, fill);
                case TRANSLATE_X_REL -> PilAffine.translateXRel(img, arg, resample, fill);
                case TRANSLATE_Y_REL -> PilAffine.translateYRel(img, arg, resample, fill);
            };
        }
    }

    /** timm's default {@code translate_pct} for the relative translations. */
    static final double TRANSLATE_PCT = 0.45;

    /** timm's {@code _RAND_TRANSFORMS}. */
    public static final List<Op> RAND_TRANSFORMS = List.of(Op.AUTO_CONTRAST, Op.EQUALIZE, Op.INVERT, Op.ROTATE,
            Op.POSTERIZE, Op.SOLARIZE, Op.SOLARIZE_ADD, Op.COLOR, Op.CONTRAST, Op.BRIGHTNESS, Op.SHARPNESS,
            Op.SHEAR_X, Op.SHEAR_Y, Op.TRANSLATE_X_REL, Op.TRANSLATE_Y_REL);

    /** timm's {@code _RAND_INCREASING_TRANSFORMS}. */
    public static final List<Op> RAND_INCREASING_TRANSFORMS = List.of(Op.AUTO_CONTRAST, Op.EQUALIZE, Op.INVERT,
            Op.ROTATE, Op.POSTERIZE_INCREASING, Op.SOLARIZE_INCREASING, Op.SOLARIZE_ADD, Op.COLOR_INCREASING,
            Op.CONTRAST_INCREASING, Op.BRIGHTNESS_INCREASING, Op.SHARPNESS_INCREASING, Op.SHEAR_X, Op.SHEAR_Y,
            Op.TRANSLATE_X_REL, Op.TRANSLATE_Y_REL);

    private static final Pattern SECTION = Pattern.compile("([a-z]*)(\\d.*)");

    private final List<Op> ops;
    private final int layers;
    private final double magnitude;
    private final double magnitudeStd;
    private final double magnitudeMax;
    private final double prob;
    private final int[] fill;

    public RandAugment(List<Op> ops, int layers, double magnitude, double magnitudeStd, double magnitudeMax,
                       double prob, int[] fill) {
        if (ops.isEmpty() || layers < 0 || magnitude < 0 || magnitudeStd < 0 || prob < 0 || prob > 1
                || fill.length != 3) {
            throw new IllegalArgumentException("Invalid RandAugment settings: " + ops.size() + " ops, " + layers
                    + " layers, magnitude " + magnitude + ", std " + magnitudeStd + ", prob " + prob);
        }
        this.ops = List.copyOf(ops);
        this.layers = layers;
        this.magnitude = magnitude;
        this.magnitudeStd = magnitudeStd;
        this.magnitudeMax = magnitudeMax;
        this.prob = prob;
        this.fill = fill.clone();
    }

    /**
     * Parses a timm RandAugment string ({@code rand-m9-mstd0.5-inc1}); {@code mean} (RGB, 0..1) gives the fill
     * colour {@code round(255 * mean)} as timm's {@code img_mean}.
     *
     * @throws IllegalArgumentException naming the string and the section that is wrong
     */
    public static RandAugment parse(String config, double[] mean) {
        String[] parts = config.trim().toLowerCase(Locale.ROOT).split("-");
        if (!parts[0].equals("rand")) {
            throw new IllegalArgumentException("Unsupported auto-augment '" + config
                    + "': only timm RandAugment strings 'rand-...' (e.g. rand-m9-mstd0.5-inc1) or 'none' are supported");
        }
        double magnitude = LEVEL_DENOM, std = 0, max = LEVEL_DENOM;
        int layers = 2;
        List<Op> ops = RAND_TRANSFORMS;
        for (int i = 1; i < parts.length; i++) {
            Matcher m = SECTION.matcher(parts[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("Bad section '" + parts[i] + "' in auto-augment '" + config
                        + "' (expected mN, nN, mstdS, mmaxN or incB)");
            }
            String key = m.group(1), val = m.group(2);
            try {
                switch (key) {
                    case "m" -> magnitude = Integer.parseInt(val);
                    case "n" -> layers = Integer.parseInt(val);
                    case "mstd" -> {
                        std = Double.parseDouble(val);
                        if (std > 100) {
                            std = Double.POSITIVE_INFINITY;
                        }
                    }
                    case "mmax" -> {
                        int v = Integer.parseInt(val);
                        max = v == 0 ? LEVEL_DENOM : v;   // timm: magnitude_max or _LEVEL_DENOM
                    }
                    case "inc" -> ops = Integer.parseInt(val) != 0 ? RAND_INCREASING_TRANSFORMS : RAND_TRANSFORMS;
                    case "w" -> throw new IllegalArgumentException("Weighted op choice '" + parts[i]
                            + "' in auto-augment '" + config + "' is not supported");
                    default -> throw new IllegalArgumentException("Unknown section '" + parts[i]
                            + "' in auto-augment '" + config + "' (expected mN, nN, mstdS, mmaxN or incB)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Bad number in section '" + parts[i] + "' of auto-augment '"
                        + config + "'");
            }
        }
        return new RandAugment(ops, layers, magnitude, std, max, 0.5, fillColour(mean));
    }

    /** timm's {@code img_mean}: {@code min(255, round(255 * x))} per channel, Python's half-to-even rounding. */
    public static int[] fillColour(double[] mean) {
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) {
            out[c] = (int) Math.min(255, Math.rint(255 * mean[c]));
        }
        return out;
    }

    /** Applies {@code layers} randomly chosen operations to an RGB image; returns a new image. */
    public ByteImage apply(ByteImage rgb, SplittableRandom rnd) {
        ByteImage img = rgb;
        Op[] chosen = new Op[layers];
        for (int i = 0; i < layers; i++) {
            chosen[i] = ops.get(rnd.nextInt(ops.size()));
        }
        for (Op op : chosen) {
            img = applyOp(op, img, rnd);
        }
        return img == rgb ? rgb.copy() : img;
    }

    /** timm's {@code AugmentOp.__call__}: probability, magnitude noise and clipping, sign, resampling. */
    ByteImage applyOp(Op op, ByteImage img, SplittableRandom rnd) {
        if (prob < 1.0 && rnd.nextDouble() > prob) {
            return img;
        }
        double level = sampleMagnitude(rnd);
        boolean negate = op.signed() && rnd.nextDouble() > 0.5;
        double arg = op.argument(level, negate);
        PilAffine.Resample resample = op.geometric()
                ? (rnd.nextBoolean() ? PilAffine.Resample.BILINEAR : PilAffine.Resample.BICUBIC) : null;
        return op.apply(img, arg, resample, fill);
    }

    /** The magnitude of one call: Gaussian noise (or uniform in [0, m] when std is infinite), clipped to [0, max]. */
    double sampleMagnitude(SplittableRandom rnd) {
        double m = magnitude;
        if (magnitudeStd > 0) {
            m = Double.isInfinite(magnitudeStd) ? rnd.nextDouble() * magnitude
                    : magnitude + magnitudeStd * rnd.nextGaussian();
        }
        return Math.max(0.0, Math.min(m, magnitudeMax));
    }

    public List<Op> ops() {
        return ops;
    }

    public int layers() {
        return layers;
    }

    public double magnitude() {
        return magnitude;
    }

    public double magnitudeStd() {
        return magnitudeStd;
    }

    public double magnitudeMax() {
        return magnitudeMax;
    }

    public int[] fill() {
        return fill.clone();
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        ops.forEach(o -> names.add(o.timmName));
        return "RandAugment[n=" + layers + ", m=" + magnitude + ", mstd=" + magnitudeStd + ", ops=" + names + "]";
    }
}
