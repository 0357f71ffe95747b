package org.fec.segmentation.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.datavec.ade20k.Ade20kDataset;
import org.fec.datavec.ade20k.SegEvalTransform;
import org.fec.datavec.ade20k.SegNormalization;
import org.fec.datavec.ade20k.SegTrainTransform;
import org.fec.datavec.ade20k.SegmentationIterator;
import org.fec.segmentation.SegEvaluation;
import org.fec.layers.Conv2d;
import org.fec.segmentation.SegModels;
import org.fec.segmentation.SemanticFpn;
import org.fec.segmentation.eval.SegmentationResult;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.train.FlatGradientUpdater;
import org.fec.zoo.train.TrainingSupport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Iteration-based Semantic FPN training on an ADE20K-layout data set: endless shuffled passes over the training
 * split, {@code last.zip} written atomically every {@code checkpointInterval} iterations (and {@code best.zip} at
 * the best mIoU), mIoU on the validation split every {@code evalInterval}, {@code --resume} from {@code last.zip},
 * console progress and optionally the DL4J UI dashboard.
 */
public final class SegTrainer {

    public static final String LAST = "last.zip";
    public static final String BEST = "best.zip";
    static final String STATE_KEY = "fec-seg-train-state";

    /** Outcome of a run. */
    public record Result(long iterations, SegmentationResult lastEvaluation, double bestMIoU, int skippedSamples) {
    }

    private final SegTrainConfig c;
    private final PrintStream progress;

    public SegTrainer(SegTrainConfig config, PrintStream progress) {
        this.c = config;
        this.progress = progress;
    }

    public Result run() throws IOException {
        if (c.iterations < 1 || c.batch < 1 || c.crop < 32) {
            throw new IllegalArgumentException("need iterations >= 1, batch >= 1 and crop >= 32");
        }
        List<Ade20kDataset.Sample> train = Ade20kDataset.scan(c.data, Ade20kDataset.TRAINING, progress);
        List<Ade20kDataset.Sample> val = Ade20kDataset.scan(c.data, Ade20kDataset.VALIDATION, progress);
        if (train.isEmpty()) {
            throw new IOException("No training pairs found under " + c.data);
        }
        if (c.evalImages > 0 && val.size() > c.evalImages) {
            val = val.subList(0, c.evalImages);
        }
        Files.createDirectories(c.output);

        ComputationGraph model;
        double best = -1;
        Path last = c.output.resolve(LAST);
        if (c.resume) {
            if (!Files.isRegularFile(last)) {
                throw new IOException("Nothing to resume: " + last + " does not exist");
            }
            model = ModelSerializer.restoreComputationGraph(last.toFile(), true);
            Map<String, String> state = ModelSerializer.getObjectFromFile(last.toFile(), STATE_KEY);
            best = Double.parseDouble(state.get("bestMIoU"));
            progress.printf("resuming %s at iteration %d%n", last, model.getIterationCount());
        } else {
            model = newModel();
        }
        FlatGradientUpdater.install(model);
        UIServer ui = TrainingSupport.attachDashboard(model, c, progress);
        SegEvalTransform evalTransform = new SegEvalTransform(c.scaleLong, c.scaleShort, 32,
                SegNormalization.imagenet());
        SegmentationResult evaluation = null;
        int skipped = 0;
        long ranIterations = 0;
        long start = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        int pass = (int) (model.getIterationCount() * (long) c.batch / train.size());
        while (model.getIterationCount() < c.iterations) {
            Nd4j.getRandom().setSeed(c.seed + pass);
            SegTrainTransform t = new SegTrainTransform(c.crop, c.scaleLong, c.scaleShort, c.minRatio, c.maxRatio,
                    0.75, c.seed * 31 + pass);
            try (SegmentationIterator data = SegmentationIterator.training(train, t, c.reduceZeroLabel,
                    c.numClasses, c.batch, c.workers, 3, c.seed + pass)) {
                while (data.hasNext() && model.getIterationCount() < c.iterations) {
                    DataSet ds = data.next();
                    model.fit(new org.nd4j.linalg.dataset.MultiDataSet(ds.getFeatures(), ds.getLabels()));
                    lossSum += model.score();
                    lossCount++;
                    ranIterations++;
                    int it = model.getIterationCount();
                    printProgress(it, lossSum / lossCount, model, ranIterations, start);
                    boolean evalNow = c.evalInterval > 0 && it % c.evalInterval == 0 || it == c.iterations;
                    boolean saveNow = c.checkpointInterval > 0 && it % c.checkpointInterval == 0 || evalNow;
                    if (evalNow && !val.isEmpty()) {
                        progress.println();
                        evaluation = SegEvaluation.evaluate(model, val, evalTransform, c.reduceZeroLabel,
                                c.numClasses, c.workers, progress);
                        boolean isBest = evaluation.mIoU() > best;
                        best = Math.max(best, evaluation.mIoU());
                        progress.printf("iteration %d: train loss %.4f, validation %s%s%n", it, lossSum / lossCount,
                                evaluation.summaryLine(), isBest ? " (best)" : "");
                        lossSum = 0;
                        lossCount = 0;
                        saveCheckpoint(model, best, isBest);
                    } else if (saveNow) {
                        saveCheckpoint(model, best, false);
                    }
                    if (c.stopAfterIterations > 0 && ranIterations >= c.stopAfterIterations) {
                        progress.println();
                        progress.println("stopping after " + ranIterations + " iterations (as asked)");
                        return new Result(model.getIterationCount(), evaluation, best, skipped + data.skippedSamples());
                    }
                }
                skipped += data.skippedSamples();
            }
            pass++;
        }
        progress.println();
        if (ui != null) {
            progress.printf("training done; the dashboard stays up at http://localhost:%d/train/overview%n",
                    ui.getPort());
        }
        return new Result(model.getIterationCount(), evaluation, best, skipped);
    }

    private ComputationGraph newModel() throws IOException {
        Adam adam = new Adam(new PolyDecaySchedule(c.lr, c.minLr, c.power, c.iterations));
        FecGraphs.Options options = new FecGraphs.Options().inputSize(c.crop, c.crop).updater(adam)
                .weightDecay(c.weightDecay).seed(c.seed).dataType(DataType.FLOAT);
        if (c.initCheckpoints.isEmpty()) {
            return SegModels.create(SegModels.backbone(c.model), c.numClasses, options);
        }
        var loaded = SegModels.load(c.model, c.initCheckpoints, c.numClasses, options, false);
        progress.println("starting weights: " + loaded.report());
        return loaded.graph();
    }

    private long lastPrint;

    private void printProgress(int it, double loss, ComputationGraph model, long ran, long start) {
        long now = System.nanoTime();
        if (now - lastPrint < 1_000_000_000L && it != c.iterations) {
            return;
        }
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double perIt = secs / ran;
        double eta = (c.iterations - it) * perIt;
        double lr = TrainingSupport.learningRate(model, SemanticFpn.LOGITS_QUARTER, Conv2d.WEIGHT);
        progress.printf("\riteration %d/%d %s loss %.4f lr %.2e %.2f img/s ETA %ds ", it, c.iterations,
                TrainingSupport.progressBar(it, c.iterations), loss, lr, c.batch / perIt, Math.round(eta));
    }

    private void saveCheckpoint(ComputationGraph model, double best, boolean isBest) throws IOException {
        Map<String, String> state = new HashMap<>();
        state.put("iteration", Integer.toString(model.getIterationCount()));
        state.put("bestMIoU", Double.toString(best));
        state.put("seed", Long.toString(c.seed));
        state.put("model", c.model);
        state.put("numClasses", Integer.toString(c.numClasses));
        TrainingSupport.saveCheckpoint(model, c.output, LAST, BEST, isBest, STATE_KEY, state);
    }
}
