package org.fec.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluation preprocessing of an FEC entry (timm's default_cfg in fec.py): resize the shorter side to
 * {@code size / cropPct} with {@code interpolation}, centre crop {@code size}, normalise with mean and std.
 */
public record Preprocessing(int size, double cropPct, String interpolation, double[] mean, double[] std) {

    /** ImageNet mean and standard deviation (timm's IMAGENET_DEFAULT_MEAN / _STD). */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    /** fec.py gives every FEC model default_cfgs['model_small']: 224, crop_pct 0.9, bicubic. */
    public static Preprocessing of(String name) {
        FecConfig.named(name);
        return new Preprocessing(224, 0.9, "bicubic", IMAGENET_MEAN.clone(), IMAGENET_STD.clone());
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input_size", "3," + size + "," + size);
        m.put("crop_pct", Double.toString(cropPct));
        m.put("interpolation", interpolation);
        m.put("mean", join(mean));
        m.put("std", join(std));
        return m;
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }
}
