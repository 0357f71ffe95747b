package org.fec.segmentation.cli;

import java.nio.file.Path;
import java.util.Set;

import org.fec.segmentation.train.SegTrainConfig;
import org.fec.segmentation.train.SegTrainer;
import org.fec.zoo.cli.Args;
import org.fec.zoo.cli.FecCommand;

/** {@code fec seg-train}: Semantic FPN training on an ADE20K-layout data set. */
public final class SegTrainCommand implements FecCommand {

    @Override
    public String name() {
        return "seg-train";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  seg-train --data DIR [--model fec_small_seg] [--output OUT] [--iterations N] [--batch B] [--crop C]",
                "            [--lr LR] [--weight-decay WD] [--scale 2048x512] [--eval-interval N]",
                "            [--checkpoint-interval N] [--eval-images N] [--num-classes 150] [--no-reduce-zero-label]",
                "            [--checkpoint FILE ...] [--resume] [--workers W] [--seed S] [--ui] [--ui-port P]",
                "            [--stats-file F] [--stats-every N]",
                "      Trains FEC + Semantic FPN on DIR (ADEChallengeData2016 layout) with the reference recipe as defaults",
                "      (80k iterations of 16 512x512 crops, AdamW 1e-4, poly 0.9); --checkpoint: FEC ImageNet weights",
                "      for the backbone, an mmseg checkpoint or a DL4J zip. OUT/last.zip is written every N iterations",
                "      and best.zip at the best validation mIoU; --resume continues from OUT/last.zip.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("data", "model", "output", "iterations", "batch", "crop", "lr",
                "weight-decay", "scale", "eval-interval", "checkpoint-interval", "eval-images", "num-classes",
                "checkpoint", "workers", "seed", "ui-port", "stats-file", "stats-every"),
                Set.of("resume", "ui", "no-reduce-zero-label"));
        SegTrainConfig c = new SegTrainConfig();
        c.data = Path.of(a.required("data"));
        c.model = a.optional("model", c.model);
        Args.model(c.model.endsWith("_seg") ? c.model : c.model + "_seg");
        c.output = Path.of(a.optional("output", c.output.toString()));
        c.iterations = a.integer("iterations", c.iterations);
        c.batch = a.integer("batch", c.batch);
        c.crop = a.integer("crop", c.crop);
        c.lr = a.number("lr", c.lr);
        c.weightDecay = a.number("weight-decay", c.weightDecay);
        int[] scale = SegOptions.scale(a);
        c.scaleLong = scale[0];
        c.scaleShort = scale[1];
        c.evalInterval = a.integer("eval-interval", c.evalInterval);
        c.checkpointInterval = a.integer("checkpoint-interval", c.checkpointInterval);
        c.evalImages = a.integer("eval-images", c.evalImages);
        c.numClasses = a.integer("num-classes", c.numClasses);
        c.reduceZeroLabel = !a.flag("no-reduce-zero-label");
        a.readRunOptions(c);
        if (c.iterations < 1 || c.batch < 1 || c.crop < 32 || c.numClasses < 2 || c.workers < 1) {
            throw new Args.UsageException("need --iterations >= 1, --batch >= 1, --crop >= 32, --num-classes >= 2, "
                    + "--workers >= 1");
        }
        SegTrainer.Result r = new SegTrainer(c, System.out).run();
        System.out.printf("done: %d iterations, best validation mIoU %s; checkpoints in %s%n", r.iterations(),
                r.bestMIoU() < 0 ? "n/a" : String.format("%.2f", 100 * r.bestMIoU()), c.output);
    }
}
