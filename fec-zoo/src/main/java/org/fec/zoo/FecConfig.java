package org.fec.zoo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Architecture of one FEC variant, exactly as {@code models/fec.py} defines it. Arrays have one entry per stage;
 * "rows"/"cols" are the reference's {@code proposal_w}/{@code proposal_h} and {@code fold_w}/{@code fold_h}
 * (fec.py names the NCHW axes "w h", so its "w" is the row axis).
 */
public final class FecConfig {

    /** Names of the reference's models, in the order the registry lists them. */
    public static final List<String> NAMES = List.of("fec_small", "fec_base", "fec_large",
            "fec_small_seg", "fec_base_seg", "fec_large_seg", "fec_small_det", "fec_base_det", "fec_large_det");

    private final String name;
    private final int[] layers;
    private final int[] dims;
    private final int[] mlpRatios;
    private final int[] heads;
    private final int[] headDims;
    private final int[] proposals;
    private final int[] folds;
    /** True for the dense-prediction backbones (four normalised stage outputs, no classifier). */
    private final boolean forkFeat;

    private FecConfig(String name, int[] layers, int[] dims, int[] heads, int headDim, int[] proposals, int[] folds,
                      boolean forkFeat) {
        this.name = name;
        this.layers = layers;
        this.dims = dims;
        this.mlpRatios = new int[]{8, 8, 4, 4};
        this.heads = heads;
        this.headDims = new int[]{headDim, headDim, headDim, headDim};
        this.proposals = proposals;
        this.folds = folds;
        this.forkFeat = forkFeat;
    }

    /** The configuration of a reference model name (see {@link #NAMES}). */
    public static FecConfig named(String name) {
        FecConfig c = ALL.get(name);
        if (c == null) {
            throw new IllegalArgumentException("Unknown FEC model '" + name + "'; known: " + String.join(", ", NAMES));
        }
        return c;
    }

    private static final Map<String, FecConfig> ALL = new LinkedHashMap<>();

    static {
        int[] sLayers = {3, 4, 5, 2}, sDims = {32, 64, 196, 320}, sHeads = {4, 4, 8, 8};
        int[] bLayers = {2, 2, 6, 2}, bDims = {64, 128, 320, 512}, bHeads = {4, 4, 8, 8};
        int[] lLayers = {4, 4, 12, 4}, lDims = {64, 128, 320, 512}, lHeads = {6, 6, 12, 12};
        int[] clsProp = {4, 4, 2, 2}, segProp = {10, 10, 5, 5}, detProp = {7, 7, 7, 7};
        int[] noFold = {1, 1, 1, 1}, detFold = {2, 2, 1, 1};
        add(new FecConfig("fec_small", sLayers, sDims, sHeads, 24, clsProp, noFold, false));
        add(new FecConfig("fec_base", bLayers, bDims, bHeads, 32, clsProp, noFold, false));
        add(new FecConfig("fec_large", lLayers, lDims, lHeads, 32, clsProp, noFold, false));
        add(new FecConfig("fec_small_seg", sLayers, sDims, sHeads, 24, segProp, noFold, true));
        add(new FecConfig("fec_base_seg", bLayers, bDims, bHeads, 32, segProp, noFold, true));
        add(new FecConfig("fec_large_seg", lLayers, lDims, lHeads, 32, segProp, noFold, true));
        add(new FecConfig("fec_small_det", sLayers, sDims, sHeads, 24, detProp, detFold, true));
        add(new FecConfig("fec_base_det", bLayers, bDims, bHeads, 32, detProp, detFold, true));
        add(new FecConfig("fec_large_det", lLayers, lDims, lHeads, 32, detProp, detFold, true));
    }

    private static void add(FecConfig c) {
        ALL.put(c.name, c);
    }

    /** A custom variant (e.g. a tiny one for tests); arrays have one entry per stage. */
    public static FecConfig custom(String name, int[] layers, int[] dims, int[] mlpRatios, int[] heads,
                                   int[] headDims, int[] proposals, int[] folds, boolean forkFeat) {
        FecConfig c = new FecConfig(name, layers, dims, heads, headDims[0], proposals, folds, forkFeat);
        System.arraycopy(mlpRatios, 0, c.mlpRatios, 0, 4);
        System.arraycopy(headDims, 0, c.headDims, 0, 4);
        return c;
    }

    /**
     * Image height and width must be multiples of this: every ClusterPool halves an even map (so H/4, H/8 and
     * H/16 are even), and a fold f at stage s needs the stage's map, and the map its ClusterPool halves, to split
     * into f regions of even size.
     */
    public int sizeMultiple() {
        long multiple = 32;
        for (int s = 0; s < 4; s++) {
            if (folds[s] > 1) {
                long stride = 4L << s;
                multiple = lcm(multiple, stride * folds[s]);
            }
        }
        return (int) multiple;
    }

    private static long lcm(long a, long b) {
        long x = a, y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    /** Stochastic-depth rate of block {@code index} of stage {@code stage}, linear over all blocks as in fec.py. */
    public double dropPath(double rate, int stage, int index) {
        int before = 0, total = 0;
        for (int s = 0; s < 4; s++) {
            total += layers[s];
            if (s < stage) {
                before += layers[s];
            }
        }
        return total <= 1 ? 0 : rate * (index + before) / (total - 1);
    }

    public String name() {
        return name;
    }

    public int[] layers() {
        return layers.clone();
    }

    public int dim(int stage) {
        return dims[stage];
    }

    public int layers(int stage) {
        return layers[stage];
    }

    public int mlpRatio(int stage) {
        return mlpRatios[stage];
    }

    public int heads(int stage) {
        return heads[stage];
    }

    public int headDim(int stage) {
        return headDims[stage];
    }

    public int proposals(int stage) {
        return proposals[stage];
    }

    public int fold(int stage) {
        return folds[stage];
    }

    public boolean forkFeat() {
        return forkFeat;
    }

    @Override
    public String toString() {
        return name + "(layers=" + Arrays.toString(layers) + ", dims=" + Arrays.toString(dims) + ", heads="
                + Arrays.toString(heads) + ", headDim=" + headDims[0] + ", proposals=" + Arrays.toString(proposals)
                + ", folds=" + Arrays.toString(folds) + (forkFeat ? ", backbone" : ", classifier") + ")";
    }
}
