package org.fec.zoo.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Entry point of the {@code fec} command. */
public final class FecCli {

    static final String USAGE = String.join("\n",
            "usage: fec <command> [options]",
            "",
            "commands:",
            "  predict --model NAME [--num-classes N] --checkpoint FILE [--checkpoint FILE2 ...]",
            "          --input X.npy --output OUT [--dtype float|double] [--non-strict]",
            "      Runs a model on a float32 NCHW .npy. A classifier writes its logits to OUT (.npy); a backbone",
            "      writes its four stage outputs to OUT_norm0.npy, OUT_norm2.npy, OUT_norm4.npy, OUT_norm6.npy",
            "      (a trailing .npy of OUT is dropped). FILE: .pth, .pth.tar (PyTorch) or a DL4J model zip.",
            "  bench-data --data DIR [--size S] [--batch B] [--workers W] [--images N] [--aa A] [--reprob P]\n"
                    + "        [--color-jitter CJ]",
            "      Images/s of the training input pipeline alone (decode, fec train's default augmentations, batching).",
            "  import --model NAME --checkpoint FILE [--checkpoint FILE2 ...] --output OUT.zip [--num-classes N]",
            "         [--non-strict]",
            "      Writes a DL4J model zip (with the entry name and preprocessing) from PyTorch checkpoints. A",
            "      classifier checkpoint also imports into a _seg/_det backbone (head and final norm skipped).",
            "  demo [--epochs E] [--ui-port P] [--no-ui]",
            "      Trains FEC-Small on the embedded Fashion-MNIST subset with the DL4J dashboard, then validates.",
            "  train --model NAME --data DIR [--output OUT] [--epochs E] [--batch B] [--lr LR] [--size S]",
            "        [--warmup-epochs W] [--weight-decay WD] [--drop-path DP] [--label-smoothing LS]",
            "        [--min-scale M] [--aa rand-m9-mstd0.5-inc1|none] [--reprob P] [--color-jitter CJ]",
            "        [--mixup A] [--cutmix A] [--mixup-prob P] [--mixup-switch-prob P]",
            "        [--workers W] [--seed S] [--checkpoint FILE ...] [--resume] [--ui] [--ui-port P] [--stats-file F]",
            "        [--stats-every N]",
            "      Trains a classifier on DIR/train and validates on DIR/val after every epoch; OUT/last.zip and",
            "      OUT/best.zip are written after every epoch; --resume continues from OUT/last.zip. Augmentation",
            "      defaults are timm's recipe: RandAugment rand-m9-mstd0.5-inc1, random erasing 0.25, mixup 0.8,",
            "      CutMix 1.0 (switch prob 0.5, prob 1.0); colour jitter 0.4 applies only with --aa none; 0 = off.",
            "  ui --stats-file F [--port P]",
            "      Serves statistics stored by train --stats-file in the DL4J UI dashboard.",
            "  validate --model NAME --checkpoint FILE [...] --data DIR [--batch B] [--workers W] [--size S]",
            "        [--per-class]",
            "      Top-1, top-5 and loss on an ImageNet-style folder (<DIR>/<class>/<image>) with the evaluation",
            "      transform (shorter side to size/0.9, bicubic, centre crop, ImageNet mean/std); --per-class adds",
            "      every class's top-1, worst first, with ImageNet's readable names for synset folders.",
            "  visualize --model NAME --checkpoint FILE [...] --image IMG --output PREFIX [--num-clusters K] [--size S]",
            "      Cluster maps of one image: PREFIX_overlay.png (k-means groups of the last stage) and",
            "      PREFIX_stage{1,2,3}.png (ClusterPool assignments composed back to pixels).",
            "  list",
            "      The zoo entries: configuration, parameters, multiply-adds at the default input, preprocessing.",
            "  bench --model NAME --batch B [--size S] [--warmup W] [--runs R] [--no-resnet] [--verbose]",
            "        [--task cls|seg]",
            "      Images/s for inference and for a training step (forward, backward, AdamW update), median of",
            "      R timed runs after W warm-up runs, with DL4J's zoo ResNet-50 measured in the same run.",
            "      --task seg measures a Semantic FPN segmentation model (see seg-bench). --verbose prints every run.",
            "",
            "models: fec_small fec_base fec_large fec_small_seg fec_base_seg fec_large_seg",
            "        fec_small_det fec_base_det fec_large_det");

    private FecCli() {
    }

    /** Commands of the other modules on the class path, by name. */
    static java.util.Map<String, FecCommand> plugins() {
        java.util.Map<String, FecCommand> out = new java.util.TreeMap<>();
        for (FecCommand c : java.util.ServiceLoader.load(FecCommand.class)) {
            out.put(c.name(), c);
        }
        return out;
    }

    /** The built-in usage followed by the plug-in commands' usage. */
    static String usage() {
        StringBuilder sb = new StringBuilder(USAGE);
        java.util.Collection<FecCommand> extra = plugins().values();
        if (!extra.isEmpty()) {
            sb.append("\n\nmore commands:");
            for (FecCommand c : extra) {
                sb.append('\n').append(c.usage());
            }
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args) {
        PrintStream realOut = System.out;
        // ND4J 1.0.0-M2.1 prints "Added differentiated op ..." to stdout whenever it builds a gradient function.
        System.setOut(new PrintStream(new DropLinesStream(realOut, "Added differentiated op"), true,
                StandardCharsets.UTF_8));
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
                realOut.println(usage());
                return args.length == 0 ? 2 : 0;
            }
            switch (args[0]) {
                case "predict":
                    Predict.run(args);
                    return 0;
                case "bench":
                    Bench.run(args);
                    return 0;
                case "bench-data":
                    BenchData.run(args);
                    return 0;
                case "import":
                    Import.run(args);
                    return 0;
                case "demo":
                    Demo.run(args);
                    return 0;
                case "train":
                    Train.run(args);
                    return 0;
                case "ui":
                    Ui.run(args);
                    return 0;
                case "visualize":
                    Visualize.run(args);
                    return 0;
                case "validate":
                    Validate.run(args);
                    return 0;
                case "list":
                    ListModels.run();
                    return 0;
                default:
                    FecCommand plugin = plugins().get(args[0]);
                    if (plugin == null) {
                        throw new Args.UsageException("Unknown command '" + args[0] + "'");
                    }
                    plugin.run(args);
                    return 0;
            }
        } catch (Args.UsageException e) {
            System.err.println("fec: " + e.getMessage());
            System.err.println(usage());
            return 2;
        } catch (Exception e) {
            System.err.println("fec " + args[0] + ": " + e.getMessage());
            if (System.getenv("FEC_DEBUG") != null) {
                e.printStackTrace();
            }
            return 1;
        } finally {
            System.out.flush();
            System.setOut(realOut);
        }
    }

    /** Passes output through line by line, dropping lines that start with a given prefix. */
    private static final class DropLinesStream extends OutputStream {
        private final PrintStream target;
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        DropLinesStream(PrintStream target, String prefix) {
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public synchronized void write(int b) {
            line.append((char) b);
            if (b == '\n') {
                flushLine();
            }
        }

        private void flushLine() {
            if (line.length() > 0 && !line.toString().startsWith(prefix)) {
                target.print(line);
            }
            line.setLength(0);
        }

        @Override
        public synchronized void flush() {
            if (line.length() > 0 && !prefix.startsWith(line.toString()) && !line.toString().startsWith(prefix)) {
                target.print(line);
                line.setLength(0);
            }
            target.flush();
        }
    }
}
