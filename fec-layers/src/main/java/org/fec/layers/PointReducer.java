package org.fec.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * FEC stem ("point reducer"): appends the two position channels {@code row/(H-1) - 0.5} and
 * {@code col/(W-1) - 0.5} to the image and applies a {@code patch x patch} convolution with stride {@code patch}.
 * Input NCHW [B, C, H, W]; output channels-last NHWC [B, H/patch, W/patch, outChannels].
 * Parameters keep PyTorch's layout: {@code proj.weight} [out, C + 2, patch, patch], {@code proj.bias} [out].
 */
public class PointReducer extends FecLayer {

    public static final String WEIGHT = "projWeight";
    public static final String BIAS = "projBias";

    private long inChannels = 3;
    private long outChannels;
    private long patch = 4;
    /** H and W must be multiples of this (the deeper stages need it, so the stem checks it before any compute). */
    private long sizeMultiple = 32;

    protected PointReducer() {
    }

    public PointReducer(long inChannels, long outChannels, long patch, long sizeMultiple) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.patch = patch;
        this.sizeMultiple = sizeMultiple;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam(WEIGHT, outChannels, inChannels + 2, patch, patch);
        params.addBiasParam(BIAS, outChannels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // PyTorch's Conv2d default: kaiming_uniform(a=sqrt(5)) for the weight, U(+-1/sqrt(fanIn)) for the bias.
        double bound = 1.0 / Math.sqrt((inChannels + 2) * patch * patch);
        ParamInit.uniform(params.get(WEIGHT), bound);
        ParamInit.uniform(params.get(BIAS), bound);
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "PointReducer '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NCHW image");
        ShapeChecks.channels(name, s, s[1], inChannels);
        String rule = "FEC needs image height and width divisible by " + sizeMultiple;
        ShapeChecks.divisible(name, s, "image height", s[2], sizeMultiple, rule);
        ShapeChecks.divisible(name, s, "image width", s[3], sizeMultiple, rule);
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] dropPaths) {
        long b = s[0], h = s[2], w = s[3];
        long ch = inChannels + 2, oh = h / patch, ow = w / patch;
        SDVariable pos = sd.constant(positionChannels(b, h, w, input.dataType()));
        SDVariable x = sd.concat(1, input, pos);                                          // [B, C+2, H, W]
        SDVariable patches = x.reshape(b, ch, oh, patch, ow, patch).permute(0, 2, 4, 1, 3, 5)
                .reshape(b * oh * ow, ch * patch * patch);
        SDVariable kernel = p.get(WEIGHT).reshape(outChannels, ch * patch * patch);
        return FecOps.linear(patches, kernel, p.get(BIAS)).reshape(b, oh, ow, outChannels);
    }

    /**
     * The reference's position channels [B, 2, H, W], computed in float32 exactly as torch does
     * ({@code float(i) / float(n - 1) - 0.5}) and then widened to the network's type.
     */
    public static INDArray positionChannels(long batch, long h, long w, DataType dataType) {
        float[] data = new float[(int) (2 * h * w)];
        for (int i = 0; i < h; i++) {
            float rowPos = (float) i / (float) (h - 1) - 0.5f;
            for (int j = 0; j < w; j++) {
                float colPos = (float) j / (float) (w - 1) - 0.5f;
                data[(int) (i * w + j)] = rowPos;
                data[(int) (h * w + i * w + j)] = colPos;
            }
        }
        INDArray one = Nd4j.create(data, new long[]{1, 2, h, w}).castTo(dataType);
        return batch == 1 ? one : one.repeat(0, batch);
    }

    @Override
    boolean hasNativeEngine() {
        return true;
    }

    @Override
    Kernel newKernel(long[] inputShape, org.nd4j.linalg.api.buffer.DataType dataType) {
        return new PointReducerKernel(this, inputShape);
    }

    @Override
    public String referenceName(String param) {
        return param.equals(WEIGHT) ? "proj.weight" : param.equals(BIAS) ? "proj.bias" : null;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        return InputType.convolutional(c.getHeight() / patch, c.getWidth() / patch, outChannels, CNN2DFormat.NHWC);
    }

    public long getInChannels() {
        return inChannels;
    }

    public long getOutChannels() {
        return outChannels;
    }

    public long getPatch() {
        return patch;
    }

    public long getSizeMultiple() {
        return sizeMultiple;
    }
}
