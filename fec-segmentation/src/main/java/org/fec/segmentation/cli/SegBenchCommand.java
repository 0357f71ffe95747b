package org.fec.segmentation.cli;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.segmentation.SegModels;
import org.fec.zoo.FecConfig;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.cli.Args;
import org.fec.zoo.cli.Bench;
import org.fec.zoo.cli.FecCommand;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@code fec bench --task seg} ({@code fec seg-bench}): inference and training-step images/s of a Semantic FPN
 * model at a square size, and the peak resident memory of the process while it runs.
 */
public final class SegBenchCommand implements FecCommand {

    @Override
    public String name() {
        return "seg-bench";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  seg-bench --model NAME [--size 512] [--batch B] [--warmup W] [--runs R] [--num-classes 150]",
                "      (also: fec bench --task seg ...) Images/s of inference and of a training step (forward,",
                "      backward, AdamW update) of FEC + Semantic FPN, median of R runs, and the peak resident memory.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "size", "batch", "warmup", "runs", "num-classes", "task"),
                Set.of("no-resnet"));
        String name = a.required("model");
        FecConfig backbone = SegModels.backbone(Args.model(name.endsWith("_seg") ? name : name + "_seg").name());
        int size = a.integer("size", 512);
        int batch = a.integer("batch", 2);
        int warmup = a.integer("warmup", 1);
        int runs = a.integer("runs", 3);
        int classes = a.integer("num-classes", SegModels.ADE20K_CLASSES);
        if (size < 32 || size % 32 != 0 || batch < 1 || warmup < 0 || runs < 1 || classes < 2) {
            throw new Args.UsageException("need --size a multiple of 32, --batch >= 1, --warmup >= 0, --runs >= 1");
        }
        System.out.printf("fec seg-bench: %s + Semantic FPN (%d classes), batch %d, %dx%d, float32, %d warm-up + %d "
                + "timed runs (median)%n", backbone.name(), classes, batch, size, size, warmup, runs);
        ComputationGraph model = SegModels.create(backbone, classes, new FecGraphs.Options()
                .inputSize(size, size).updater(new Adam(1e-4)).weightDecay(1e-4));
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, 3, size, size);
        INDArray labels = Nd4j.rand(DataType.FLOAT, batch, 1, size, size).muli(classes).castTo(DataType.INT)
                .castTo(DataType.FLOAT);
        AtomicLong peak = new AtomicLong(Pointer.physicalBytes());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(Pointer.physicalBytes(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            double[] inference = Bench.timeRuns(warmup, runs, () -> model.output(false, x));
            System.out.printf("inference: %.3f images/s (%.2f s per batch)%n", batch / Bench.median(inference),
                    Bench.median(inference));
            MultiDataSet data = new MultiDataSet(x, labels);
            org.fec.zoo.train.FlatGradientUpdater.install(model);
            double[] train = Bench.timeRuns(warmup, runs, () -> model.fit(data));
            System.out.printf("training:  %.3f images/s (%.2f s per step)%n", batch / Bench.median(train),
                    Bench.median(train));
        } finally {
            sampler.interrupt();
        }
        peak.accumulateAndGet(Pointer.physicalBytes(), Math::max);
        System.out.printf("peak resident memory: %.2f GiB (JVM heap max %.1f GiB)%n", peak.get() / (double) (1L << 30),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30));
    }
}
