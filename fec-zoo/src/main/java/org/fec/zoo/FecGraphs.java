package org.fec.zoo;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.fec.layers.ClusterBlock;
import org.fec.layers.ClusterPool;
import org.fec.layers.GroupNorm;
import org.fec.layers.PointReducer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * Builds FEC models as DL4J {@link ComputationGraph}s. Vertex names follow the reference's module names
 * ({@code patch_embed}, {@code network_<i>_<j>} blocks, {@code network_<i>} ClusterPools, {@code norm<i>} stage
 * norms, {@code norm}, {@code head}), so parameter names map one to one to the PyTorch state_dict.
 *
 * <p>A classifier's output vertex {@value #OUTPUT} gives softmax probabilities (softmax cross-entropy loss for
 * training); its logits are the activations of {@value #HEAD}. A backbone's outputs are the four normalised stage
 * features {@link #FEATURES} (NCHW, strides 4, 8, 16, 32).
 */
public final class FecGraphs {

    public static final String INPUT = "input";
    public static final String STEM = "patch_embed";
    public static final String FINAL_NORM = "norm";
    public static final String GLOBAL_POOL = "global_pool";
    public static final String HEAD = "head";
    public static final String OUTPUT = "output";
    public static final List<String> FEATURES = List.of("norm0", "norm2", "norm4", "norm6");

    private FecGraphs() {
    }

    /** Options of a graph; defaults: 1000 classes, 224x224, float32, AdamW, no stochastic depth. */
    public static final class Options {
        int numClasses = 1000;
        long height = 224;
        long width = 224;
        long seed = 42;
        DataType dataType = DataType.FLOAT;
        IUpdater updater = new Adam(1e-3);
        /** Decoupled (AdamW-style) weight decay, on weight matrices only (not norms, biases, scales, alpha/beta). */
        double weightDecay = 0.05;
        double dropPathRate = 0.0;
        CacheMode cacheMode = CacheMode.NONE;
        WorkspaceMode workspaceMode = WorkspaceMode.ENABLED;
        IWeightInit headWeightInit = new WeightInitDistribution(new TruncatedNormalDistribution(0, 0.02));

        public Options numClasses(int n) {
            this.numClasses = n;
            return this;
        }

        /** The input size used to infer layer shapes; any other valid size works at run time. */
        public Options inputSize(long height, long width) {
            this.height = height;
            this.width = width;
            return this;
        }

        public Options seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The parameters' data type. */
        public DataType dataType() {
            return dataType;
        }

        public Options dataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        public Options updater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        public Options weightDecay(double coefficient) {
            this.weightDecay = coefficient;
            return this;
        }

        public Options dropPathRate(double rate) {
            this.dropPathRate = rate;
            return this;
        }

        /** Initialisation of the classifier head (default: timm's truncated normal, std 0.02). */
        public Options headWeightInit(IWeightInit init) {
            this.headWeightInit = init;
            return this;
        }

        public Options cacheMode(CacheMode mode) {
            this.cacheMode = mode;
            return this;
        }

        public Options workspaceMode(WorkspaceMode mode) {
            this.workspaceMode = mode;
            return this;
        }
    }

    /** Name of the vertex of block {@code index} of stage {@code stage} (the reference's network[2*stage][index]). */
    public static String blockName(int stage, int index) {
        return "network_" + (2 * stage) + "_" + index;
    }

    /** Name of the ClusterPool that leads into stage {@code stage} (1..3). */
    public static String poolName(int stage) {
        return "network_" + (2 * stage - 1);
    }

    public static ComputationGraphConfiguration configuration(FecConfig c, Options o) {
        ComputationGraphConfiguration.GraphBuilder g = graphBuilder(o);
        String previous = addBackbone(g, c, o, INPUT);
        if (c.forkFeat()) {
            g.setOutputs(FEATURES.toArray(new String[0]));
        } else {
            g.addLayer(FINAL_NORM, new GroupNorm(c.dim(3), true), previous);
            g.addLayer(GLOBAL_POOL, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), FINAL_NORM);
            g.addLayer(HEAD, new DenseLayer.Builder().nIn(c.dim(3)).nOut(o.numClasses)
                    .activation(Activation.IDENTITY)
                    .weightInit(o.headWeightInit)
                    .biasInit(0).build(), GLOBAL_POOL);
            g.addLayer(OUTPUT, new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX).build(), HEAD);
            g.setOutputs(OUTPUT);
        }
        return g.build();
    }

    /** A graph builder with the options' global settings and the image input {@value #INPUT}. */
    public static ComputationGraphConfiguration.GraphBuilder graphBuilder(Options o) {
        return new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .dataType(o.dataType)
                .updater(o.updater)
                .weightDecay(o.weightDecay, true)
                .cacheMode(o.cacheMode)
                .trainingWorkspaceMode(o.workspaceMode)
                .inferenceWorkspaceMode(o.workspaceMode)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(o.height, o.width, 3));
    }

    /**
     * Adds the stem and the four stages (and, for a backbone configuration, the stage norms {@link #FEATURES})
     * reading from {@code input}; returns the last vertex of stage 4.
     */
    public static String addBackbone(ComputationGraphConfiguration.GraphBuilder g, FecConfig c, Options o,
                                     String input) {
        g.addLayer(STEM, new PointReducer(3, c.dim(0), 4, c.sizeMultiple()), input);
        String previous = STEM;
        for (int stage = 0; stage < 4; stage++) {
            if (stage > 0) {
                g.addLayer(poolName(stage), new ClusterPool(c.dim(stage - 1), c.dim(stage), c.fold(stage),
                        c.fold(stage)), previous);
                previous = poolName(stage);
            }
            for (int i = 0; i < c.layers(stage); i++) {
                ClusterBlock block = new ClusterBlock(c.dim(stage), (long) c.dim(stage) * c.mlpRatio(stage),
                        c.heads(stage), c.headDim(stage), c.proposals(stage), c.proposals(stage), c.fold(stage),
                        c.fold(stage), c.dropPath(o.dropPathRate, stage, i));
                g.addLayer(blockName(stage, i), block, previous);
                previous = blockName(stage, i);
            }
            if (c.forkFeat()) {
                g.addLayer(FEATURES.get(stage), new GroupNorm(c.dim(stage), true), previous);
            }
        }
        return previous;
    }

    /** A new, initialised graph. */
    public static ComputationGraph create(FecConfig c, Options o) {
        ComputationGraph graph = new ComputationGraph(configuration(c, o));
        graph.init();
        return graph;
    }
}
