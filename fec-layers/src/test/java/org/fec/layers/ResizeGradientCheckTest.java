package org.fec.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
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
 * Double-precision gradient check through every form of {@link ResizeVertex} (x2 bilinear, nearest and bilinear
 * resize-and-add to odd sizes, bilinear resize to a reference's size) and {@link FrozenBatchNorm}: the parameters of
 * the convolutions in front only get correct gradients if each resize's backward pass is right.
 */
class ResizeGradientCheckTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.DOUBLE).updater(new NoOp())
                .graphBuilder()
                .addInputs("x", "small", "ref")
                .setInputTypes(InputType.convolutional(5, 7, 3), InputType.convolutional(3, 4, 3),
                        InputType.convolutional(11, 6, 1))
                .addLayer("c1", conv(3, 4, 1), "x")
                .addLayer("c2", conv(3, 4, 3), "small")
                .addVertex("up", ResizeVertex.scaled(Interpolation.Mode.BILINEAR, 2.0), "c2")
                .addVertex("a", ResizeVertex.addedTo(Interpolation.Mode.NEAREST), "c2", "c1")
                .addVertex("b", ResizeVertex.addedTo(Interpolation.Mode.BILINEAR), "up", "a")
                .addVertex("l", ResizeVertex.like(Interpolation.Mode.BILINEAR), "b", "ref")
                .addLayer("bn", new FrozenBatchNorm(4, 1e-5), "l")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "bn")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(11);
        g.getParam("bn_weight").assign(Nd4j.rand(DataType.DOUBLE, 1, 4).addi(0.5));
        g.getParam("bn_bias").assign(Nd4j.randn(DataType.DOUBLE, 1, 4).muli(0.2));
        g.getParam("bn_runningMean").assign(Nd4j.randn(DataType.DOUBLE, 1, 4).muli(0.3));
        g.getParam("bn_runningVar").assign(Nd4j.rand(DataType.DOUBLE, 1, 4).addi(0.5));
        return g;
    }

    private static ConvolutionLayer conv(long in, long out, int k) {
        return new ConvolutionLayer.Builder(k, k).nIn(in).nOut(out).padding(k / 2, k / 2)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build();
    }

    @Test
    void everyResizeFormBackpropagatesCorrectly() {
        ComputationGraph g = graph();
        Nd4j.getRandom().setSeed(5);
        INDArray[] inputs = {Nd4j.randn(DataType.DOUBLE, 2, 3, 5, 7), Nd4j.randn(DataType.DOUBLE, 2, 3, 3, 4),
                Nd4j.zeros(DataType.DOUBLE, 2, 1, 11, 6)};
        INDArray labels = Nd4j.randn(DataType.DOUBLE, 2, 4, 11, 6);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(inputs).labels(new INDArray[]{labels})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).excludeParams(Set.of()));
        assertTrue(ok, "gradient check failed (the log names the parameter)");
    }

    @Test
    void savesAndRestores() throws Exception {
        ComputationGraph g = graph();
        java.io.File f = java.nio.file.Files.createTempFile("resize", ".zip").toFile();
        try {
            ModelSerializer.writeModel(g, f, false);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(f, false);
            INDArray[] inputs = {Nd4j.randn(DataType.DOUBLE, 1, 3, 5, 7), Nd4j.randn(DataType.DOUBLE, 1, 3, 3, 4),
                    Nd4j.zeros(DataType.DOUBLE, 1, 1, 11, 6)};
            assertTrue(g.output(inputs)[0].equalsWithEps(back.output(inputs)[0], 0.0));
            assertTrue(g.getConfiguration().equals(back.getConfiguration()));
        } finally {
            f.delete();
        }
    }
}
