package org.fec.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small FEC-shaped graphs for the layer tests. */
final class TinyGraphs {

    private TinyGraphs() {
    }

    /**
     * stem (3 to 4 channels, 32x32 to 8x8) -> the given layers -> GroupNorm -> mean -> softmax classifier, with
     * non-trivial norm, scale and similarity parameters. Small enough for a full double-precision gradient check.
     */
    static ComputationGraph chain(long seed, long outChannels, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3))
                .addLayer("stem", new PointReducer(3, 4, 4, 32), "input");
        String previous = "stem";
        for (int i = 0; i < layers.length; i++) {
            b.addLayer("l" + i, layers[i], previous);
            previous = "l" + i;
        }
        b.addLayer("norm", new GroupNorm(outChannels, true), previous)
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "norm")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(outChannels).nOut(3)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap")
                .setOutputs("out");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        randomizeNormsAndScales(g, seed);
        return g;
    }

    /** Norm weights, layer scales and alpha in [0.5, 1.5), biases and beta in [-0.2, 0.2), MLP weights ~N(0, 0.3). */
    static void randomizeNormsAndScales(ComputationGraph g, long seed) {
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
        for (java.util.Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : g.paramTable().entrySet()) {
            String p = e.getKey().substring(e.getKey().lastIndexOf('_') + 1);
            org.nd4j.linalg.api.ndarray.INDArray a = e.getValue();
            if (p.startsWith("layerScale") || p.equals("simAlpha") || p.endsWith("Weight") && p.contains("norm")
                    || p.equals("weight")) {
                a.assign(org.nd4j.linalg.factory.Nd4j.rand(a.dataType(), a.shape()).addi(0.5));
            } else if (p.equals("simBeta") || p.endsWith("Bias") && !p.startsWith("proj") && !p.startsWith("conv")
                    || p.equals("bias")) {
                a.assign(org.nd4j.linalg.factory.Nd4j.rand(a.dataType(), a.shape()).subi(0.5).muli(0.4));
            } else if (p.startsWith("fc")) {
                a.assign(org.nd4j.linalg.factory.Nd4j.randn(a.dataType(), a.shape()).muli(0.3));
            }
        }
    }

    /**
     * stem (3 to 8 channels, 32x32 to 8x8) -> ClusterBlock with uneven overlapping 3x3 proposal bins -> folded
     * ClusterBlock (2x2 regions of 4x4, 3x3 proposals) -> folded ClusterPool (8 to 12 channels) -> ClusterBlock
     * -> GroupNorm -> mean -> softmax classifier.
     */
    static ComputationGraph tiny(DataType dataType, double dropPath, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3))
                .addLayer("stem", new PointReducer(3, 8, 4, 32), "input")
                .addLayer("block", new ClusterBlock(8, 16, 2, 4, 3, 3, 1, 1, dropPath), "stem")
                .addLayer("folded", new ClusterBlock(8, 16, 2, 4, 3, 3, 2, 2, dropPath), "block")
                .addLayer("pool", new ClusterPool(8, 12, 2, 2), "folded")
                .addLayer("block2", new ClusterBlock(12, 24, 3, 4, 2, 2, 1, 1, dropPath), "pool")
                .addLayer("norm", new GroupNorm(12, true), "block2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "norm")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        // Non-trivial norms, scales and similarity parameters (the defaults 1, 0 and 1e-5 would hide terms).
        org.nd4j.linalg.api.rng.Random rng = org.nd4j.linalg.factory.Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (String layer : new String[]{"block", "folded", "block2"}) {
            for (String p : new String[]{ClusterBlock.LS1, ClusterBlock.LS2, ClusterBlock.NORM1_W, ClusterBlock.NORM2_W,
                    ClusterBlock.ALPHA}) {
                org.nd4j.linalg.api.ndarray.INDArray a = g.getLayer(layer).getParam(p);
                a.assign(org.nd4j.linalg.factory.Nd4j.rand(a.dataType(), a.shape()).addi(0.5));
            }
            for (String p : new String[]{ClusterBlock.NORM1_B, ClusterBlock.NORM2_B, ClusterBlock.BETA,
                    ClusterBlock.FC1_B, ClusterBlock.FC2_B}) {
                org.nd4j.linalg.api.ndarray.INDArray a = g.getLayer(layer).getParam(p);
                a.assign(org.nd4j.linalg.factory.Nd4j.rand(a.dataType(), a.shape()).subi(0.5).muli(0.4));
            }
            for (String p : new String[]{ClusterBlock.FC1_W, ClusterBlock.FC2_W}) {
                org.nd4j.linalg.api.ndarray.INDArray a = g.getLayer(layer).getParam(p);
                a.assign(org.nd4j.linalg.factory.Nd4j.randn(a.dataType(), a.shape()).muli(0.3));
            }
        }
        for (String layer : new String[]{"pool", "norm"}) {
            String w = layer.equals("pool") ? ClusterPool.NORM_W : GroupNorm.WEIGHT;
            String b = layer.equals("pool") ? ClusterPool.NORM_B : GroupNorm.BIAS;
            g.getLayer(layer).getParam(w).addi(org.nd4j.linalg.factory.Nd4j.rand(dataType, 1, 12).reshape(12).subi(0.5));
            g.getLayer(layer).getParam(b).addi(org.nd4j.linalg.factory.Nd4j.rand(dataType, 1, 12).reshape(12).subi(0.5));
        }
        return g;
    }
}
