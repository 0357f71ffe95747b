package org.fec.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Batch normalisation of NCHW activations with fixed statistics, {@code (x - running_mean) / sqrt(running_var +
 * eps) * weight + bias}, in training as in inference: PyTorch's BatchNorm2d in {@code eval()} mode (mmseg's
 * {@code norm_eval=True}). Weight and bias are trained; the running statistics are loaded, never updated.
 * Parameter names follow PyTorch ({@code weight}, {@code bias}, {@code runningMean} for {@code running_mean}, ...).
 */
public class FrozenBatchNorm extends FecLayer {

    public static final String WEIGHT = "weight", BIAS = "bias", MEAN = "runningMean", VAR = "runningVar";

    private long channels;
    private double eps = 1e-5;

    protected FrozenBatchNorm() {
    }

    public FrozenBatchNorm(long channels, double eps) {
        this.channels = channels;
        this.eps = eps;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addBiasParam(WEIGHT, channels);
        params.addBiasParam(BIAS, channels);
        params.addBiasParam(MEAN, channels);
        params.addBiasParam(VAR, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> p) {
        ParamInit.constant(p.get(WEIGHT), 1);
        ParamInit.constant(p.get(BIAS), 0);
        ParamInit.constant(p.get(MEAN), 0);
        ParamInit.constant(p.get(VAR), 1);
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "FrozenBatchNorm '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NCHW feature map");
        ShapeChecks.channels(name, s, s[1], channels);
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] dropPaths) {
        SDVariable scale = p.get(WEIGHT).div(p.get(VAR).add(eps).pow(0.5)).reshape(1, channels, 1, 1);
        SDVariable shift = p.get(MEAN).reshape(1, channels, 1, 1);
        return input.sub(shift).mul(scale).add(p.get(BIAS).reshape(1, channels, 1, 1));
    }

    /** The statistics are loaded, not learned. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return MEAN.equals(paramName) || VAR.equals(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    @Override
    public java.util.List<Regularization> getRegularizationByParam(String paramName) {
        return MEAN.equals(paramName) || VAR.equals(paramName) ? java.util.List.of()
                : super.getRegularizationByParam(paramName);
    }

    @Override
    public String referenceName(String param) {
        return switch (param) {
            case MEAN -> "running_mean";
            case VAR -> "running_var";
            default -> param;
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    public long getChannels() {
        return channels;
    }

    public double getEps() {
        return eps;
    }
}
