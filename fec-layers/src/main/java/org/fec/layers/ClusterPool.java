package org.fec.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

import java.util.Map;

/**
 * FEC's clustering down-sampler between stages, channels-last [B, H, W, C] to [B, H/2, W/2, out]:
 * centres are the 2x2 means of {@code conv_f(x)}, every point joins its most cosine-similar centre, and
 * each centre's output is {@code (sum of member values + centre value) / (members + 1)} of {@code conv_v(x)};
 * the result is {@code conv_skip(x) + GN(centres)} with conv_skip a 3x3 stride-2 convolution.
 *
 * <p>conv_f reaches the output only through the hard assignment, so (as in the reference) it gets no gradient.
 */
public class ClusterPool extends FecLayer {

    public static final String NORM_W = "norm2Weight", NORM_B = "norm2Bias";
    public static final String F_W = "convFWeight", F_B = "convFBias";
    public static final String V_W = "convVWeight", V_B = "convVBias";
    public static final String SKIP_W = "convSkipWeight", SKIP_B = "convSkipBias";

    private static final Map<String, String> REFERENCE_NAMES = Map.of(
            NORM_W, "norm2.weight", NORM_B, "norm2.bias", F_W, "conv_f.weight", F_B, "conv_f.bias",
            V_W, "conv_v.weight", V_B, "conv_v.bias", SKIP_W, "conv_skip.weight", SKIP_B, "conv_skip.bias");

    private long inChannels;
    private long outChannels;
    /** Region folding of the next stage (rows, columns); active only when both exceed 1. */
    private long foldRows = 1;
    private long foldCols = 1;

    protected ClusterPool() {
    }

    public ClusterPool(long inChannels, long outChannels, long foldRows, long foldCols) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.foldRows = foldRows;
        this.foldCols = foldCols;
    }

    private boolean folded() {
        return foldRows > 1 && foldCols > 1;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addBiasParam(NORM_W, outChannels);
        params.addBiasParam(NORM_B, outChannels);
        params.addWeightParam(F_W, outChannels, inChannels);
        params.addBiasParam(F_B, outChannels);
        params.addWeightParam(V_W, outChannels, inChannels);
        params.addBiasParam(V_B, outChannels);
        params.addWeightParam(SKIP_W, outChannels, inChannels, 3, 3);
        params.addBiasParam(SKIP_B, outChannels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> p) {
        ParamInit.constant(p.get(NORM_W), 1);
        ParamInit.constant(p.get(NORM_B), 0);
        double b1 = 1.0 / Math.sqrt(inChannels), b3 = 1.0 / Math.sqrt(inChannels * 9);
        ParamInit.uniform(p.get(F_W), b1);
        ParamInit.uniform(p.get(F_B), b1);
        ParamInit.uniform(p.get(V_W), b1);
        ParamInit.uniform(p.get(V_B), b1);
        ParamInit.uniform(p.get(SKIP_W), b3);
        ParamInit.uniform(p.get(SKIP_B), b3);
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "ClusterPool '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NHWC feature map");
        ShapeChecks.channels(name, s, s[3], inChannels);
        long fr = folded() ? foldRows : 1, fc = folded() ? foldCols : 1;
        String rule = "down-sampling halves each fold region" + (folded() ? " of the " + fr + "x" + fc + " fold" : "")
                + ", so its size must be even";
        ShapeChecks.divisible(name, s, "feature map height", s[1], 2 * fr, rule);
        ShapeChecks.divisible(name, s, "feature map width", s[2], 2 * fc, rule);
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] dropPaths) {
        long b = s[0], h = s[1], w = s[2], o = outChannels;
        long fr = folded() ? foldRows : 1, fc = folded() ? foldCols : 1;
        long rh = h / fr, rw = w / fc, n = rh * rw;
        long ch = rh / 2, cw = rw / 2, m = ch * cw;
        long maps = b * fr * fc;

        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(2).sW(2).pH(1).pW(1)
                .dataFormat(Conv2DConfig.NHWC).weightsFormat(WeightsFormat.YXIO).build();
        SDVariable skip = sd.cnn().conv2d(input, p.get(SKIP_W).permute(2, 3, 1, 0), p.get(SKIP_B), conv);

        SDVariable x = input.reshape(b * h * w, inChannels);
        SDVariable f = toRegions(FecOps.linear(x, p.get(F_W), p.get(F_B)), b, fr, rh, fc, rw);   // [maps, n, o]
        SDVariable v = toRegions(FecOps.linear(x, p.get(V_W), p.get(V_B)), b, fr, rh, fc, rw);
        SDVariable centres = FecOps.adaptiveAvgPool(sd, f, maps, rh, rw, o, ch, cw);
        SDVariable valueCentres = FecOps.adaptiveAvgPool(sd, v, maps, rh, rw, o, ch, cw);
        SDVariable mask = FecOps.hardAssignment(sd, FecOps.cosineSimilarity(sd, f, centres), (int) m);
        SDVariable pooled = FecOps.aggregate(sd, mask, v, valueCentres, maps, m);            // [maps, m, o]
        SDVariable grid = fr == 1 && fc == 1 ? pooled.reshape(b * m, o)
                : pooled.reshape(b, fr, fc, ch, cw, o).permute(0, 1, 3, 2, 4, 5).reshape(b * h * w / 4, o);
        SDVariable normed = FecOps.groupNorm1(grid, p.get(NORM_W), p.get(NORM_B), b, h * w / 4, o);
        return skip.add(normed.reshape(b, h / 2, w / 2, o));
    }

    private SDVariable toRegions(SDVariable t, long b, long fr, long rh, long fc, long rw) {
        if (fr == 1 && fc == 1) {
            return t.reshape(b, rh * rw, outChannels);
        }
        return t.reshape(b, fr, rh, fc, rw, outChannels).permute(0, 1, 3, 2, 4, 5)
                .reshape(b * fr * fc, rh * rw, outChannels);
    }

    @Override
    boolean hasNativeEngine() {
        return true;
    }

    @Override
    Kernel newKernel(long[] inputShape, org.nd4j.linalg.api.buffer.DataType dataType) {
        return new ClusterPoolKernel(this, inputShape);
    }

    @Override
    public String referenceName(String param) {
        return REFERENCE_NAMES.get(param);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(c.getHeight() / 2, c.getWidth() / 2, outChannels, CNN2DFormat.NHWC);
    }

    public long getInChannels() {
        return inChannels;
    }

    public long getOutChannels() {
        return outChannels;
    }

    public long getFoldRows() {
        return foldRows;
    }

    public long getFoldCols() {
        return foldCols;
    }
}
