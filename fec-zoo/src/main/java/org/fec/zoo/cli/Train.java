package org.fec.zoo.cli;

import org.fec.datavec.TrainTransform;
import org.fec.datavec.augment.RandAugment;
import org.fec.zoo.train.TrainConfig;
import org.fec.zoo.train.Trainer;

import java.nio.file.Path;
import java.util.Set;

/** {@code fec train}: classification training on an ImageNet-style folder. */
final class Train {

    private Train() {
    }

    static TrainConfig parse(String[] argv) {
        Args a = new Args(argv, 1, Set.of("model", "data", "output", "epochs", "batch", "lr", "warmup-epochs",
                "weight-decay", "drop-path", "label-smoothing", "size", "min-scale", "workers", "seed", "checkpoint",
                "ui-port", "stats-file", "stats-every", "aa", "reprob", "color-jitter", "mixup", "cutmix", "mixup-prob",
                "mixup-switch-prob"), Set.of("resume", "ui"));
        TrainConfig c = new TrainConfig();
        c.model = a.optional("model", c.model);
        Args.model(c.model);
        c.data = Path.of(a.required("data"));
        c.output = Path.of(a.optional("output", c.output.toString()));
        c.epochs = a.integer("epochs", c.epochs);
        c.batch = a.integer("batch", c.batch);
        c.lr = a.optional("lr", null) == null ? null : a.number("lr", 0);
        c.warmupEpochs = a.integer("warmup-epochs", c.warmupEpochs);
        c.weightDecay = a.number("weight-decay", c.weightDecay);
        c.dropPath = a.number("drop-path", c.dropPath);
        c.labelSmoothing = a.number("label-smoothing", c.labelSmoothing);
        c.size = a.integer("size", c.size);
        c.minScale = a.number("min-scale", c.minScale);
        c.autoAugment = a.optional("aa", c.autoAugment);
        if (!TrainTransform.autoAugmentOff(c.autoAugment)) {
            try {
                RandAugment.parse(c.autoAugment, new double[]{0.5, 0.5, 0.5});
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--aa: " + e.getMessage());
            }
        }
        c.reprob = probability(a, "reprob", c.reprob);
        c.colorJitter = a.number("color-jitter", c.colorJitter);
        c.mixup = a.number("mixup", c.mixup);
        c.cutmix = a.number("cutmix", c.cutmix);
        c.mixupProb = probability(a, "mixup-prob", c.mixupProb);
        c.mixupSwitchProb = probability(a, "mixup-switch-prob", c.mixupSwitchProb);
        if (c.colorJitter < 0 || c.mixup < 0 || c.cutmix < 0) {
            throw new Args.UsageException("--color-jitter, --mixup and --cutmix must be >= 0, got " + c.colorJitter
                    + ", " + c.mixup + ", " + c.cutmix);
        }
        a.readRunOptions(c);
        if (c.epochs < 1 || c.batch < 1 || c.size < 32 || c.size % 32 != 0) {
            throw new Args.UsageException("need --epochs >= 1, --batch >= 1 and --size a multiple of 32");
        }
        return c;
    }

    private static double probability(Args a, String name, double fallback) {
        double p = a.number(name, fallback);
        if (p < 0 || p > 1) {
            throw new Args.UsageException("--" + name + " must be in [0, 1], got " + p);
        }
        return p;
    }

    static void run(String[] argv) throws Exception {
        TrainConfig c = parse(argv);
        Trainer.Result r = new Trainer(c, System.err).run();
        System.out.printf("trained %s for %d epochs (%d iterations); last validation %s; best top1 %.4f; "
                + "checkpoints in %s%n", c.model, r.epochsDone(), r.iterations(), r.lastValidation(), r.bestTop1(),
                c.output);
    }
}
