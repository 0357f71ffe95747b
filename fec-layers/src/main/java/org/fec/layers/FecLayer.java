package org.fec.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/**
 * Base configuration of every FEC layer: a DL4J {@link SameDiffLayer} whose graph is defined for one concrete
 * input shape at a time.
 *
 * <p>DL4J's stock SameDiff layer fixes the input shape at its first call and routes gradients through the
 * "external errors" path, which returns them 2x too large in 1.0.0-M2.1. FEC layers instead run on
 * {@link FecLayerRuntime}, which keeps one graph per input shape (so one set of weights serves 224x224,
 * 512x512, 1333x800, ...) and computes gradients of {@code sum(output * epsilon)}, which is exact.
 */
public abstract class FecLayer extends SameDiffLayer {

    protected FecLayer() {
    }

    protected FecLayer(Builder<?> builder) {
        super(builder);
    }

    /**
     * Defines the layer for one concrete input shape.
     *
     * @param sd         the graph to add ops to
     * @param input      the input placeholder, shape {@code inputShape}
     * @param params     the layer parameters, keyed as in {@link #defineParameters}
     * @param inputShape the full input shape, batch size included
     * @param dropPaths  stochastic-depth scale placeholders, one [batch, 1] variable per branch
     *                   ({@link #numDropPathBranches()} of them; only present when the rate is positive)
     */
    public abstract SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> params,
                                      long[] inputShape, SDVariable[] dropPaths);

    /** Throws a clear {@link IllegalArgumentException} when this layer cannot process an input of this shape. */
    public abstract void checkInputShape(long[] inputShape);

    /**
     * The reference's name of a parameter below its module (e.g. {@code token_mixer.f.weight}); null if unknown.
     * DL4J splits gradient keys at the last '_', so the parameters themselves are named without underscores.
     */
    public abstract String referenceName(String param);

    /**
     * A native-engine pass of this layer for inputs of {@code inputShape} (eager ND4J with a hand-written backward
     * pass), or null when the layer only has its SameDiff definition.
     */
    Kernel newKernel(long[] inputShape, DataType dataType) {
        return null;
    }

    /** True when {@link #newKernel} gives a native pass. */
    boolean hasNativeEngine() {
        return false;
    }

    /** Number of residual branches with stochastic depth (0 for layers without it). */
    public int numDropPathBranches() {
        return 0;
    }

    /** Probability of dropping a residual branch for one sample during training. */
    public double dropPathRate() {
        return 0.0;
    }

    @Override
    public final SDVariable defineLayer(SameDiff sameDiff, SDVariable layerInput, Map<String, SDVariable> paramTable,
                                        SDVariable mask) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " is defined per input shape by FecLayerRuntime; defineLayer is not used");
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        FecLayerRuntime ret = new FecLayerRuntime(conf, networkDataType);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }
}
