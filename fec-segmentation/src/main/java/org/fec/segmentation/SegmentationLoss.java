package org.fec.segmentation;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Per-pixel softmax cross-entropy on NCHW logits against class-index labels [N, 1, H, W] (or [N, H, W]) with an
 * ignore index, as mmsegmentation's {@code CrossEntropyLoss}: by default the sum over labelled pixels is divided by
 * <em>all</em> pixels ({@code avg_non_ignore=False}, mmseg's default); {@link #averageOverLabelled} divides by the
 * labelled pixels instead. The layer's output ({@code output()}) is the logits themselves.
 */
public class SegmentationLoss extends CnnLossLayer {

    private int ignoreIndex = 255;
    private boolean averageOverLabelled;

    /** For JSON. */
    public SegmentationLoss() {
        setActivationFn(Activation.IDENTITY.getActivationFunction());
        setLossFn(new LossMCXENT());
        setFormat(CNN2DFormat.NCHW);
    }

    /** mmseg's default loss: ignore index 255, mean over all pixels. */
    public static SegmentationLoss mmsegDefault() {
        return new SegmentationLoss();
    }

    public SegmentationLoss ignoreIndex(int index) {
        this.ignoreIndex = index;
        return this;
    }

    /** Divides by the labelled pixels ({@code avg_non_ignore=True}) instead of all pixels. */
    public SegmentationLoss averageOverLabelled(boolean on) {
        this.averageOverLabelled = on;
        return this;
    }

    @JsonProperty("ignoreIndex")
    public int getIgnoreIndex() {
        return ignoreIndex;
    }

    @JsonProperty("ignoreIndex")
    public void setIgnoreIndex(int ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
    }

    @JsonProperty("averageOverLabelled")
    public boolean isAverageOverLabelled() {
        return averageOverLabelled;
    }

    @JsonProperty("averageOverLabelled")
    public void setAverageOverLabelled(boolean averageOverLabelled) {
        this.averageOverLabelled = averageOverLabelled;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        SegmentationLossImpl ret = new SegmentationLossImpl(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentationLoss s && super.equals(o) && s.ignoreIndex == ignoreIndex
                && s.averageOverLabelled == averageOverLabelled;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + ignoreIndex * 2 + (averageOverLabelled ? 1 : 0);
    }
}
