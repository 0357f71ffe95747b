package org.fec.zoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.model.ResNet50;
import org.fec.zoo.FecConfig;
import org.fec.zoo.FecGraphs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@code fec bench}: inference and training throughput of an FEC model and, in the same JVM, of DL4J's zoo
 * ResNet-50, so that the ratio does not depend on the machine.
 */
public final class Bench {

    private Bench() {
    }

    /** Images per second of one model. */
    record Result(String model, double inferenceImagesPerSecond, double trainingImagesPerSecond) {
    }

    static void run(String[] argv) throws Exception {
        String task = taskOf(argv);
        if (!task.equals("cls")) {
            // Other tasks are measured by the module that builds their models (e.g. seg-bench in fec-segmentation).
            FecCommand plugin = FecCli.plugins().get(task + "-bench");
            if (plugin == null) {
                throw new Args.UsageException("Unknown --task '" + task + "' (cls, or seg when fec-segmentation is "
                        + "on the class path)");
            }
            plugin.run(argv);
            return;
        }
        Args a = new Args(argv, 1, Set.of("model", "batch", "size", "warmup", "runs", "task"),
                Set.of("no-resnet", "verbose"));
        String model = a.required("model");
        FecConfig config = Args.model(model);
        int batch = a.integer("batch", 8);
        int size = a.integer("size", 224);
        // Both models reach their steady speed only after 7 to 10 alternating rounds on 2 cores (some 20-25 s, while
        // HotSpot compiles the engine's and DL4J's Java code; --verbose shows it): with fewer warm-up rounds the
        // timed runs caught ResNet-50's inference still 10-30% slow, which inflated both ratios.
        int warmup = a.integer("warmup", 12);
        int runs = a.integer("runs", 7);
        if (batch < 1 || size < 32 || warmup < 0 || runs < 1) {
            throw new Args.UsageException("need --batch >= 1, --size >= 32, --warmup >= 0, --runs >= 1");
        }
        if (!a.flag("no-resnet") && size < 224) {
            throw new Args.UsageException("DL4J's zoo ResNet-50 needs --size >= 224 (its final pooling is fixed); "
                    + "use a larger size or --no-resnet");
        }
        boolean withResnet = !a.flag("no-resnet");
        System.out.printf("fec bench: batch %d, %dx%d, float32, %d warm-up + %d timed runs (median)%s%n",
                batch, size, size, warmup, runs, withResnet ? ", FEC and ResNet-50 runs alternating" : "");

        ComputationGraph fec = FecGraphs.create(config, new FecGraphs.Options().inputSize(size, size)
                .numClasses(1000));
        // The FEC graph trains with the project's updater (as fec train does); ResNet-50 runs as DL4J's zoo gives it.
        List<Subject> subjects = new ArrayList<>();
        subjects.add(new Subject(model, org.fec.zoo.train.FlatGradientUpdater.install(fec), batch, size,
                !config.forkFeat()));
        if (withResnet) {
            ComputationGraph resnet = (ComputationGraph) ResNet50.builder().numClasses(1000)
                    .inputShape(new int[]{3, size, size}).updater(new Adam(1e-3)).build().init();
            subjects.add(new Subject("resnet50 (DL4J zoo)", resnet, batch, size, true));
        }
        List<Result> results = measure(subjects, batch, warmup, runs, a.flag("verbose"));
        results.forEach(Bench::print);
        if (withResnet) {
            Result f = results.get(0), r = results.get(1);
            System.out.printf("ratio %s inference / resnet50 inference: %.2f%n", model,
                    f.inferenceImagesPerSecond() / r.inferenceImagesPerSecond());
            if (!Double.isNaN(f.trainingImagesPerSecond())) {
                System.out.printf("ratio %s training  / resnet50 inference: %.2f%n", model,
                        f.trainingImagesPerSecond() / r.inferenceImagesPerSecond());
            }
        }
    }

    /** A model under test with its own random batch; {@code data} (with labels) is null for a backbone. */
    private record Subject(String name, ComputationGraph graph, INDArray input, MultiDataSet data) {

        Subject(String name, ComputationGraph graph, int batch, int size, boolean trains) {
            this(name, graph, Nd4j.randn(DataType.FLOAT, batch, 3, size, size), trains);
        }

        private Subject(String name, ComputationGraph graph, INDArray input, boolean trains) {
            this(name, graph, input, trains ? new MultiDataSet(input, oneHotLabels(input.size(0))) : null);
        }
    }

    private static INDArray oneHotLabels(long batch) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, 1000);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, (i * 37) % 1000, 1.0);
        }
        return labels;
    }

    /**
     * Inference, then training, of every subject. Within each phase the subjects take turns run by run, so that
     * the speed of a shared machine, which drifts by 10-20% over a minute, weighs on all of them alike and their
     * ratio stays steady.
     */
    private static List<Result> measure(List<Subject> subjects, int batch, int warmup, int runs, boolean verbose) {
        List<Runnable> inference = new ArrayList<>();
        List<Runnable> training = new ArrayList<>();
        for (Subject s : subjects) {
            inference.add(() -> s.graph().output(s.input()));
            training.add(s.data() == null ? null : () -> s.graph().fit(s.data()));
        }
        double[][] inferenceTimes = timeAlternating(warmup, runs, inference,
                verbose ? printRound("inference", subjects, warmup, runs) : null);
        double[][] trainingTimes = timeAlternating(warmup, runs, training,
                verbose ? printRound("training", subjects, warmup, runs) : null);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            double train = trainingTimes[i] == null ? Double.NaN : batch / median(trainingTimes[i]);
            results.add(new Result(subjects.get(i).name(), batch / median(inferenceTimes[i]), train));
        }
        return results;
    }

    /** Seconds of each timed run of every step (null steps are skipped), the steps taking turns run by run. */
    static double[][] timeAlternating(int warmup, int runs, List<Runnable> steps) {
        return timeAlternating(warmup, runs, steps, null);
    }

    /**
     * {@link #timeAlternating(int, int, List)}, telling {@code afterRound} (when not null) the round's index
     * (negative for warm-up rounds) and the seconds of each step in it (NaN for a null step).
     */
    static double[][] timeAlternating(int warmup, int runs, List<Runnable> steps,
                                      BiConsumer<Integer, double[]> afterRound) {
        double[][] t = new double[steps.size()][];
        for (int k = 0; k < steps.size(); k++) {
            t[k] = steps.get(k) == null ? null : new double[runs];
        }
        for (int i = -warmup; i < runs; i++) {
            double[] round = new double[steps.size()];
            for (int k = 0; k < steps.size(); k++) {
                round[k] = Double.NaN;
                if (steps.get(k) == null) {
                    continue;
                }
                long start = System.nanoTime();
                steps.get(k).run();
                round[k] = (System.nanoTime() - start) / 1e9;
                if (i >= 0) {
                    t[k][i] = round[k];
                }
            }
            if (afterRound != null) {
                afterRound.accept(i, round);
            }
        }
        return t;
    }

    /** --verbose: one line per round, so that a long bench shows progress and how long warm-up lasts. */
    private static BiConsumer<Integer, double[]> printRound(String phase, List<Subject> subjects, int warmup,
                                                            int runs) {
        return (i, seconds) -> {
            StringBuilder line = new StringBuilder(String.format("%s %s %d/%d:", phase,
                    i < 0 ? "warm-up" : "run", i < 0 ? i + warmup + 1 : i + 1, i < 0 ? warmup : runs));
            for (int k = 0; k < subjects.size(); k++) {
                if (!Double.isNaN(seconds[k])) {
                    line.append(String.format("  %s %.3f s", subjects.get(k).name(), seconds[k]));
                }
            }
            System.out.println(line);
        };
    }

    /** The value of --task (default cls). */
    private static String taskOf(String[] argv) {
        for (int i = 1; i < argv.length; i++) {
            if (argv[i].equals("--task") && i + 1 < argv.length) {
                return argv[i + 1];
            }
            if (argv[i].startsWith("--task=")) {
                return argv[i].substring("--task=".length());
            }
        }
        return "cls";
    }

    private static void print(Result r) {
        if (Double.isNaN(r.trainingImagesPerSecond())) {
            System.out.printf("%-22s inference %7.2f images/s   training: none (a backbone has no loss)%n",
                    r.model(), r.inferenceImagesPerSecond());
            return;
        }
        System.out.printf("%-22s inference %7.2f images/s   training %7.2f images/s%n", r.model(),
                r.inferenceImagesPerSecond(), r.trainingImagesPerSecond());
    }

    /** Seconds of each of {@code runs} timed runs of {@code step}, after {@code warmup} untimed ones. */
    public static double[] timeRuns(int warmup, int runs, Runnable step) {
        return timeAlternating(warmup, runs, List.of(step))[0];
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
