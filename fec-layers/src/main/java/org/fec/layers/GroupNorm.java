package org.fec.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * GroupNorm with one group (the reference's {@code GroupNorm(C)}): per-sample mean and variance over
 * (H, W, C), per-channel affine. Input channels-last [B, H, W, C]; output NCHW (the layout users and the
 * dense-prediction necks expect) or NHWC.
 */
public class GroupNorm extends FecLayer {

    public static final String WEIGHT = "weight", BIAS = "bias";

    private long channels;
    private boolean outputNchw = true;

    protected GroupNorm() {
    }

    public GroupNorm(long channels, boolean outputNchw) {
        this.channels = channels;
        this.outputNchw = outputNchw;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addBiasParam(WEIGHT, channels);
        params.addBiasParam(BIAS, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> p) {
        ParamInit.constant(p.get(WEIGHT), 1);
        ParamInit.constant(p.get(BIAS), 0);
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "GroupNorm '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NHWC feature map");
        ShapeChecks.channels(name, s, s[3], channels);
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] dropPaths) {
        long b = s[0], h = s[1], w = s[2];
        SDVariable normed = FecOps.groupNorm1(input.reshape(b * h * w, channels), p.get(WEIGHT), p.get(BIAS),
                b, h * w, channels).reshape(b, h, w, channels);
        return outputNchw ? normed.permute(0, 3, 1, 2) : normed;
    }

    @Override
    boolean hasNativeEngine() {
        return true;
    }

    @Override
    Kernel newKernel(long[] inputShape, org.nd4j.linalg.api.buffer.DataType dataType) {
        return new GroupNormKernel(this, inputShape);
    }

    @Override
    public String referenceName(String param) {
        return param;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(c.getHeight(), c.getWidth(), channels,
                outputNchw ? CNN2DFormat.NCHW : CNN2DFormat.NHWC);
    }

    public long getChannels() {
        return channels;
    }

    public boolean isOutputNchw() {
        return outputNchw;
    }
}
