package org.fec.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

/**
 * A k x k, stride-1, zero-padded convolution of NCHW activations with PyTorch's parameter layout and names
 * ({@code weight} [out, in, k, k], optional {@code bias} [out]). The native engine is im2col plus one BLAS GEMM per
 * image, several times faster on CPU than DL4J's convolution layer for the channel counts of FPN necks and heads.
 */
public class Conv2d extends FecLayer {

    public static final String WEIGHT = "weight", BIAS = "bias";

    /** Weight initialisations used by the dense-prediction heads. */
    public enum Init {
        /** xavier_init(distribution='uniform'), mmcv's FPN convs. */
        XAVIER_UNIFORM,
        /** kaiming_init(mode='fan_out', nonlinearity='relu', normal), mmcv's ConvModule default. */
        KAIMING_FAN_OUT,
        /** normal_init(std=0.01), mmseg's classifier conv. */
        NORMAL_001
    }

    private long in;
    private long out;
    private int kernel;
    private int padding;
    private boolean hasBias;
    private Init init = Init.XAVIER_UNIFORM;

    protected Conv2d() {
    }

    public Conv2d(long in, long out, int kernel, int padding, boolean hasBias, Init init) {
        if (in < 1 || out < 1 || kernel < 1 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs positive channels and kernel, non-negative padding");
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.padding = padding;
        this.hasBias = hasBias;
        this.init = init;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam(WEIGHT, out, in, kernel, kernel);
        if (hasBias) {
            params.addBiasParam(BIAS, out);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> p) {
        long fanIn = in * kernel * kernel, fanOut = out * kernel * kernel;
        switch (init) {
            case XAVIER_UNIFORM -> ParamInit.uniform(p.get(WEIGHT), Math.sqrt(6.0 / (fanIn + fanOut)));
            case KAIMING_FAN_OUT -> ParamInit.normal(p.get(WEIGHT), Math.sqrt(2.0 / fanOut));
            case NORMAL_001 -> ParamInit.normal(p.get(WEIGHT), 0.01);
            default -> throw new IllegalStateException("Unknown init " + init);
        }
        if (hasBias) {
            ParamInit.constant(p.get(BIAS), 0);
        }
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "Conv2d '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NCHW feature map");
        ShapeChecks.channels(name, s, s[1], in);
        if (s[2] + 2L * padding < kernel || s[3] + 2L * padding < kernel) {
            throw new IllegalArgumentException(name + ": input " + s[2] + "x" + s[3] + " is smaller than the "
                    + kernel + "x" + kernel + " kernel");
        }
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] dropPaths) {
        Conv2DConfig conv = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(1).sW(1).pH(padding).pW(padding)
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
        SDVariable w = p.get(WEIGHT).permute(2, 3, 1, 0);
        return hasBias ? sd.cnn().conv2d(input, w, p.get(BIAS), conv) : sd.cnn().conv2d(input, w, conv);
    }

    @Override
    boolean hasNativeEngine() {
        return true;
    }

    @Override
    Kernel newKernel(long[] inputShape, DataType dataType) {
        return new Conv2dKernel(this, inputShape);
    }

    @Override
    public String referenceName(String param) {
        return param;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(c.getHeight() + 2L * padding - kernel + 1,
                c.getWidth() + 2L * padding - kernel + 1, out, CNN2DFormat.NCHW);
    }

    public long getIn() {
        return in;
    }

    public long getOut() {
        return out;
    }

    public int getKernel() {
        return kernel;
    }

    public int getPadding() {
        return padding;
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public Init getInit() {
        return init;
    }
}
