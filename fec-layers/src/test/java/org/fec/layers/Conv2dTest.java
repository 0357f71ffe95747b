package org.fec.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link Conv2d}: double-precision gradient check of the native engine (3x3 padded, 1x1, and 3x3 unpadded) and
 * equality of the native and SameDiff engines, activations and gradients.
 */
class Conv2dTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.NATIVE);
    }

    static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.DOUBLE).updater(new NoOp())
                .graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.convolutional(6, 5, 3))
                .addLayer("c3", new Conv2d(3, 4, 3, 1, true, Conv2d.Init.XAVIER_UNIFORM), "x")
                .addLayer("c1", new Conv2d(4, 5, 1, 0, false, Conv2d.Init.KAIMING_FAN_OUT), "c3")
                .addLayer("valid", new Conv2d(5, 2, 3, 0, true, Conv2d.Init.NORMAL_001), "c1")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "valid")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.getParam("valid_weight").muli(50);
        g.getParam("c3_bias").assign(Nd4j.randn(DataType.DOUBLE, 1, 4));
        g.getParam("valid_bias").assign(Nd4j.randn(DataType.DOUBLE, 1, 2));
        return g;
    }

    private static INDArray input() {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.randn(DataType.DOUBLE, 2, 3, 6, 5);
    }

    @Test
    void gradientsOfTheNativeEngine() {
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.NATIVE);
        ComputationGraph g = graph();
        INDArray labels = Nd4j.randn(DataType.DOUBLE, 2, 2, 4, 3);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{input()}).labels(new INDArray[]{labels})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).excludeParams(Set.of()));
        assertTrue(ok, "gradient check failed (the log names the parameter)");
    }

    @Test
    void nativeAndSameDiffEnginesAgree() {
        INDArray labels = Nd4j.randn(DataType.DOUBLE, 2, 2, 4, 3);
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.NATIVE);
        ComputationGraph nat = graph();
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.SAMEDIFF);
        ComputationGraph sd = graph();
        sd.setParams(nat.params());
        INDArray x = input();
        assertTrue(nat.outputSingle(x).equalsWithEps(sd.outputSingle(x), 1e-10), "activations differ");
        nat.setInputs(x);
        nat.setLabels(labels);
        nat.computeGradientAndScore();
        sd.setInputs(x);
        sd.setLabels(labels);
        sd.computeGradientAndScore();
        assertTrue(nat.gradient().gradient().equalsWithEps(sd.gradient().gradient(), 1e-10), "gradients differ");
        FecLayerRuntime.setDefaultEngine(FecLayerRuntime.Engine.NATIVE);
    }
}
