package org.fec.zoo;

import java.util.ArrayList;
import java.util.List;

/** Every FEC zoo entry with its configuration, size and preprocessing; creates entries by name. */
public final class FecRegistry {

    private FecRegistry() {
    }

    /** One entry of the registry; {@code paperResults} are the accuracies the paper reports for it. */
    public record Entry(FecConfig config, long parameters, double gmacs, int inputSize, Preprocessing preprocessing,
                        List<PaperResults.Metric> paperResults) {
    }

    /** Default input sizes: 224 for classifiers, 512 for segmentation (ADE20K crops), 800x1344 rounded for det. */
    public static int defaultInputSize(FecConfig c) {
        return c.name().endsWith("_seg") ? 512 : c.name().endsWith("_det") ? 800 : 224;
    }

    public static List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (String name : FecConfig.NAMES) {
            out.add(entry(name));
        }
        return out;
    }

    public static Entry entry(String name) {
        FecConfig c = FecConfig.named(name);
        int size = defaultInputSize(c);
        return new Entry(c, parameters(c, 1000), multiplyAdds(c, size, size, 1000) / 1e9, size,
                Preprocessing.of(name), PaperResults.of(name));
    }

    /** A zoo model by name with default options; use {@link FecZooModel#builder(String)} for options. */
    public static FecZooModel create(String name) {
        return FecZooModel.builder(name).build();
    }

    /** Parameter count, analytically (equals the graph's numParams). */
    public static long parameters(FecConfig c, int numClasses) {
        long p = (long) c.dim(0) * 5 * 16 + c.dim(0);
        for (int s = 0; s < 4; s++) {
            long d = c.dim(s), inner = (long) c.heads(s) * c.headDim(s), hidden = d * c.mlpRatio(s);
            if (s > 0) {
                long in = c.dim(s - 1);
                p += 2 * (in * d + d) + in * d * 9 + d + 2 * d;
            }
            long block = 2 * d + 4 * d + 2 + 2 * (d * inner + inner) + inner * d + d + d * hidden + hidden + hidden * d + d;
            p += block * c.layers(s);
            if (c.forkFeat()) {
                p += 2 * d;
            }
        }
        if (!c.forkFeat()) {
            p += 2L * c.dim(3) + (long) c.dim(3) * numClasses + numClasses;
        }
        return p;
    }

    /**
     * Multiply-adds of one forward pass at {@code h x w} (convolutions, linear layers and the clustering products,
     * the quantity usually reported as "FLOPs" for vision models).
     */
    public static double multiplyAdds(FecConfig c, int h, int w, int numClasses) {
        double n = (double) (h / 4) * (w / 4);
        double macs = n * c.dim(0) * 5 * 16;
        for (int s = 0; s < 4; s++) {
            double d = c.dim(s), inner = c.heads(s) * (double) c.headDim(s), hidden = d * c.mlpRatio(s);
            if (s > 0) {
                double in = c.dim(s - 1);
                double pooled = n / 4;
                macs += pooled * in * d * 9 + 2 * n * in * d + n * pooled * d + n * d;
                n = pooled;
            }
            double m = (double) c.proposals(s) * c.proposals(s) * c.fold(s) * c.fold(s);
            double block = 2 * n * d * inner + n * inner * d + 2 * n * d * hidden + n * m * inner * 2;
            macs += block * c.layers(s);
        }
        if (!c.forkFeat()) {
            macs += (double) c.dim(3) * numClasses;
        }
        return macs;
    }
}
