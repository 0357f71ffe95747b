package org.fec.zoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.datavec.EvalTransform;
import org.fec.datavec.ImageFolder;
import org.fec.datavec.ImageFolderIterator;
import org.fec.datavec.SynsetNames;
import org.fec.datavec.TrainTransform;
import org.fec.datavec.augment.Mixup;
import org.fec.zoo.FecFineTune;
import org.fec.zoo.FecModels;
import org.fec.zoo.FecZooModel;
import org.fec.zoo.Preprocessing;
import org.fec.zoo.Validation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification training of an FEC model on ImageNet-style folders with timm's augmentation recipe
 * ({@link TrainTransform#timm}: RandAugment or colour jitter, random erasing; {@link Mixup} on each batch, which
 * then also smooths the labels, otherwise plain label smoothing): checkpoints after every epoch (model,
 * updater state, epoch, iteration, best top-1, seed) written to a temporary file and renamed, resumable; the best
 * top-1 kept as {@code best.zip}; validation after every epoch; a console progress line; optionally the DL4J UI.
 */
public final class Trainer {

    public static final String LAST = "last.zip";
    public static final String BEST = "best.zip";
    static final String STATE_KEY = "fec-train-state";

    /** Outcome of a run. */
    public record Result(int epochsDone, long iterations, Validation.Metrics lastValidation, double bestTop1,
                         int skippedImages) {
    }

    private final TrainConfig c;
    private final PrintStream progress;

    public Trainer(TrainConfig config, PrintStream progress) {
        this.c = config;
        this.progress = progress;
    }

    public Result run() throws IOException {
        ImageFolder train = ImageFolder.scan(c.data.resolve("train"));
        ImageFolder val = ImageFolder.scan(c.data.resolve("val"));
        if (!train.classes().equals(val.classes())) {
            throw new IOException("train/ and val/ of " + c.data + " have different class folders: "
                    + classDifference(train.classes(), val.classes()));
        }
        int classes = train.classes().size();
        progress.printf("data: %d classes (%s), %d training and %d validation images%n", classes,
                preview(train.classNames()), train.samples().size(), val.samples().size());
        int itersPerEpoch = (train.samples().size() + c.batch - 1) / c.batch;
        Files.createDirectories(c.output);

        ComputationGraph model;
        int startEpoch = 0;
        double bestTop1 = -1;
        Path last = c.output.resolve(LAST);
        if (c.resume) {
            if (!Files.isRegularFile(last)) {
                throw new IOException("Nothing to resume: " + last + " does not exist");
            }
            model = ModelSerializer.restoreComputationGraph(last.toFile(), true);
            Map<String, String> state = ModelSerializer.getObjectFromFile(last.toFile(), STATE_KEY);
            startEpoch = Integer.parseInt(state.get("epoch"));
            bestTop1 = Double.parseDouble(state.get("bestTop1"));
            progress.printf("resuming %s at epoch %d (iteration %d)%n", last, startEpoch + 1, model.getIterationCount());
        } else {
            model = newModel(classes, itersPerEpoch);
        }
        FlatGradientUpdater.install(model);
        UIServer ui = TrainingSupport.attachDashboard(model, c, progress);

        Preprocessing pre = Preprocessing.of(c.model);
        EvalTransform evalTransform = new EvalTransform(c.size, pre.cropPct(), pre.mean(), pre.std());
        Validation.Metrics metrics = null;
        int skipped = 0;
        long ranIterations = 0;
        for (int epoch = startEpoch; epoch < c.epochs; epoch++) {
            Nd4j.getRandom().setSeed(c.seed + epoch);
            TrainTransform t = c.trainTransform(pre.mean(), pre.std(), c.seed * 31 + epoch);
            Mixup mixup = c.batchMixing(c.seed * 31 + epoch);
            long start = System.nanoTime();
            double lossSum = 0;
            int seen = 0, it = 0;
            try (ImageFolderIterator data = new ImageFolderIterator(train, t::apply, c.batch, c.workers, 3, true,
                    c.seed + epoch)) {
                while (data.hasNext()) {
                    DataSet ds = data.next();
                    prepareBatch(ds, mixup, c.labelSmoothing, classes);
                    model.fit(ds);
                    lossSum += model.score() * ds.numExamples();
                    seen += ds.numExamples();
                    it++;
                    ranIterations++;
                    printProgress(epoch, it, itersPerEpoch, lossSum / seen, model, seen, start);
                    if (c.stopAfterIterations > 0 && ranIterations >= c.stopAfterIterations) {
                        progress.println();
                        progress.println("stopping after " + ranIterations + " iterations (as asked)");
                        return new Result(epoch, model.getIterationCount(), metrics, bestTop1, skipped);
                    }
                }
                skipped += data.skippedImages();
            }
            progress.println();
            try (ImageFolderIterator valData = new ImageFolderIterator(val, evalTransform::apply, c.batch, c.workers,
                    2, false, 0)) {
                metrics = Validation.evaluate(model, valData, null);
                skipped += valData.skippedImages();
            }
            model.incrementEpochCount();
            boolean best = metrics.top1() > bestTop1;
            bestTop1 = Math.max(bestTop1, metrics.top1());
            progress.printf("epoch %d/%d: train loss %.4f, validation %s%s%s%n", epoch + 1, c.epochs, lossSum / seen,
                    metrics, best ? " (best)" : "", skipped > 0 ? ", " + skipped + " unreadable images skipped" : "");
            saveCheckpoint(model, epoch + 1, bestTop1, best);
        }
        if (ui != null) {
            progress.printf("training done; the dashboard stays up at http://localhost:%d/train/overview%n",
                    ui.getPort());
        }
        return new Result(c.epochs, model.getIterationCount(), metrics, bestTop1, skipped);
    }

    private ComputationGraph newModel(int classes, int itersPerEpoch) throws IOException {
        WarmupCosineSchedule schedule = new WarmupCosineSchedule(c.peakLr(), c.minLr, c.warmupLr,
                c.warmupEpochs * itersPerEpoch, c.epochs * itersPerEpoch);
        Adam adam = new Adam(schedule);
        if (c.initCheckpoints.isEmpty()) {
            return FecZooModel.builder(c.model).numClasses(classes).inputShape(new int[]{3, c.size, c.size})
                    .updater(adam).weightDecay(c.weightDecay).dropPathRate(c.dropPath).seed(c.seed).build().init();
        }
        ComputationGraph start = FecModels.load(c.model, c.initCheckpoints, null, DataType.FLOAT, false).graph();
        return FecFineTune.newHead(start, classes, false, adam);
    }

    /** Which class folders only one side has, with readable names, e.g. {@code n01440764 (tench, Tinca tinca)}. */
    static String classDifference(List<String> train, List<String> val) {
        List<String> parts = new ArrayList<>();
        List<String> onlyTrain = train.stream().filter(n -> !val.contains(n)).toList();
        List<String> onlyVal = val.stream().filter(n -> !train.contains(n)).toList();
        if (!onlyTrain.isEmpty()) {
            parts.add("only in train/: " + describe(onlyTrain));
        }
        if (!onlyVal.isEmpty()) {
            parts.add("only in val/: " + describe(onlyVal));
        }
        return String.join("; ", parts);
    }

    private static String describe(List<String> folders) {
        List<String> shown = new ArrayList<>();
        for (String f : folders.subList(0, Math.min(5, folders.size()))) {
            String name = SynsetNames.readable(f);
            shown.add(name.equals(f) ? f : f + " (" + name + ")");
        }
        return String.join(", ", shown) + (folders.size() > 5 ? " and " + (folders.size() - 5) + " more" : "");
    }

    /** The first few class names, for the start-up line. */
    private static String preview(List<String> names) {
        String shown = String.join("; ", names.subList(0, Math.min(3, names.size())));
        return names.size() > 3 ? shown + "; ..." : shown;
    }

    /**
     * Turns a batch with one-hot labels into the training batch: through mixup/CutMix when on (which smooths the
     * targets itself, timm's {@code mixup_target}), otherwise label smoothing y (1 - eps) + eps / K; never both.
     */
    static void prepareBatch(DataSet ds, Mixup mixup, double smoothing, int classes) {
        if (mixup != null) {
            mixup.preProcess(ds);
        } else if (smoothing > 0) {
            ds.getLabels().muli(1 - smoothing).addi(smoothing / classes);
        }
    }

    private long lastPrint;

    private void printProgress(int epoch, int it, int iters, double loss, ComputationGraph model, int seen,
                               long start) {
        long now = System.nanoTime();
        if (now - lastPrint < 1_000_000_000L && it != iters) {
            return;
        }
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = seen / Math.max(secs, 1e-9);
        double eta = (iters - it) * (secs / it);
        double lr = TrainingSupport.learningRate(model, org.fec.zoo.FecGraphs.HEAD, "W");
        progress.printf("\repoch %d/%d %s %d/%d loss %.4f lr %.2e %.1f img/s ETA %ds ", epoch + 1, c.epochs,
                TrainingSupport.progressBar(it, iters), it, iters, loss, lr, rate, Math.round(eta));
    }

    private void saveCheckpoint(ComputationGraph model, int epochsDone, double bestTop1, boolean best)
            throws IOException {
        Map<String, String> state = new HashMap<>();
        state.put("epoch", Integer.toString(epochsDone));
        state.put("iteration", Integer.toString(model.getIterationCount()));
        state.put("bestTop1", Double.toString(bestTop1));
        state.put("seed", Long.toString(c.seed));
        state.put("model", c.model);
        TrainingSupport.saveCheckpoint(model, c.output, LAST, BEST, best, STATE_KEY, state);
    }
}
