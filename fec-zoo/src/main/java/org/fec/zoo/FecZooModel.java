package org.fec.zoo;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;
import org.fec.zoo.weights.WeightDownloader;
import org.fec.zoo.weights.WeightSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * An FEC model of the DL4J zoo: {@code FecSmall.builder().numClasses(10).build().init()} gives a
 * {@link ComputationGraph} with the reference's architecture. Subclasses exist for every reference name.
 */
public class FecZooModel extends ZooModel<FecZooModel> {

    private final FecConfig config;
    private int numClasses;
    private int[] inputShape;
    private final long seed;
    private final IUpdater updater;
    private final double weightDecay;
    private final WeightInit weightInit;
    private final double dropPathRate;
    private final CacheMode cacheMode;
    private final WorkspaceMode workspaceMode;

    protected FecZooModel(String name, Builder<?> b) {
        this.config = FecConfig.named(name);
        this.numClasses = b.numClasses;
        this.inputShape = b.inputShape.clone();
        this.seed = b.seed;
        this.updater = b.updater;
        this.weightDecay = b.weightDecay;
        this.weightInit = b.weightInit;
        this.dropPathRate = b.dropPathRate;
        this.cacheMode = b.cacheMode;
        this.workspaceMode = b.workspaceMode;
        int multiple = config.sizeMultiple();
        if (inputShape.length != 3 || inputShape[0] != 3 || inputShape[1] % multiple != 0
                || inputShape[2] % multiple != 0) {
            throw new IllegalArgumentException(name + ": input shape must be [3, H, W] with H and W multiples of "
                    + multiple + ", got " + java.util.Arrays.toString(inputShape));
        }
    }

    /** A builder for the model {@code name}. */
    public static Builder<FecZooModel> builder(String name) {
        return new Builder<FecZooModel>(b -> new FecZooModel(name, b)).defaultsOf(name);
    }

    public FecConfig config() {
        return config;
    }

    @Override
    public ComputationGraph init() {
        FecGraphs.Options o = new FecGraphs.Options().numClasses(numClasses)
                .inputSize(inputShape[1], inputShape[2]).seed(seed).updater(updater).weightDecay(weightDecay)
                .dropPathRate(dropPathRate).cacheMode(cacheMode).workspaceMode(workspaceMode);
        if (weightInit != null) {
            o.headWeightInit(weightInit.getWeightInitFunction());
        }
        // Training is what a zoo graph with an updater is for: use the updater without DL4J's view-chain cost.
        return org.fec.zoo.train.FlatGradientUpdater.install(FecGraphs.create(config, o));
    }

    @Override
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][]{inputShape}, 1, ZooType.CNN);
    }

    @Override
    public void setInputShape(int[][] shape) {
        this.inputShape = shape[0].clone();
    }

    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        try {
            WeightSource src = WeightSource.resolve(modelName(), pretrainedType.name());
            return src == null ? null : src.url();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configured DL4J Adler32 of the weights (0 when none); a SHA-256 is preferred when configured. */
    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        try {
            WeightSource src = WeightSource.resolve(modelName(), pretrainedType.name());
            return src == null || src.adler32() == null ? 0L : src.adler32();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Downloads (or reuses from the cache) and loads the configured pretrained weights: a DL4J model zip written
     * by {@code fec import}, or the authors' PyTorch checkpoint itself.
     *
     * @throws UnsupportedOperationException when no weight source is configured (the message says how)
     */
    @Override
    @SuppressWarnings("unchecked")
    public <M extends Model> M initPretrained(PretrainedType pretrainedType) throws IOException {
        WeightSource src = WeightSource.resolve(modelName(), pretrainedType.name());
        if (src == null) {
            throw new UnsupportedOperationException(WeightSource.howToConfigure(modelName(), pretrainedType.name()));
        }
        Path file = WeightDownloader.obtain(src, WeightSource.cacheDirectory(modelName()).toPath());
        return (M) FecModels.load(modelName(), List.of(file), null, DataType.FLOAT, true).graph();
    }

    @Override
    public String modelName() {
        return config.name();
    }

    @Override
    public Class<? extends Model> modelType() {
        return ComputationGraph.class;
    }

    /**
     * Builder with DL4J zoo options; defaults: 1000 classes, the entry's default input size, Adam 1e-3 with
     * weight decay 0.05.
     */
    public static class Builder<T extends FecZooModel> {
        private final Function<Builder<T>, T> factory;
        private int numClasses = 1000;
        private int[] inputShape = {3, 224, 224};
        private long seed = 1234;
        private IUpdater updater = new Adam(1e-3);
        private double weightDecay = 0.05;
        private WeightInit weightInit;
        private double dropPathRate = 0.0;
        private CacheMode cacheMode = CacheMode.NONE;
        private WorkspaceMode workspaceMode = WorkspaceMode.ENABLED;

        protected Builder(Function<Builder<T>, T> factory) {
            this.factory = factory;
        }

        /** The default input size of entry {@code name} (224 classifiers, 512 segmentation, 800 detection). */
        protected Builder<T> defaultsOf(String name) {
            int size = FecRegistry.defaultInputSize(FecConfig.named(name));
            this.inputShape = new int[]{3, size, size};
            return this;
        }

        public Builder<T> numClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** [channels, height, width]; used to infer shapes, any valid size still works at run time. */
        public Builder<T> inputShape(int[] inputShape) {
            this.inputShape = inputShape.clone();
            return this;
        }

        public Builder<T> seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder<T> updater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        /** Decoupled weight decay on weight matrices (AdamW with the default Adam updater). */
        public Builder<T> weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Initialisation of the classifier head; FEC's own layers follow the reference's initialisation. */
        public Builder<T> weightInit(WeightInit weightInit) {
            this.weightInit = weightInit;
            return this;
        }

        /** Stochastic depth rate of the last block (linear over blocks, as in the reference). */
        public Builder<T> dropPathRate(double dropPathRate) {
            this.dropPathRate = dropPathRate;
            return this;
        }

        public Builder<T> cacheMode(CacheMode cacheMode) {
            this.cacheMode = cacheMode;
            return this;
        }

        public Builder<T> workspaceMode(WorkspaceMode workspaceMode) {
            this.workspaceMode = workspaceMode;
            return this;
        }

        @SuppressWarnings("unchecked")
        public T build() {
            return factory.apply(this);
        }
    }
}
