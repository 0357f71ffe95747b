package org.fec.zoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.datavec.EvalTransform;
import org.fec.datavec.ImageFolder;
import org.fec.datavec.ImageFolderIterator;
import org.fec.datavec.SynsetNames;
import org.fec.zoo.FecModels;
import org.fec.zoo.Preprocessing;
import org.fec.zoo.Validation;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code fec validate}: top-1 / top-5 / loss of a model on an ImageNet-style folder, evaluation transform; with
 * {@code --per-class}, the top-1 of every class, worst first, named readably (ImageNet synset folders by their
 * ImageNet names).
 */
final class Validate {

    private Validate() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "checkpoint", "data", "batch", "workers", "size", "num-classes"),
                Set.of("non-strict", "per-class"));
        String model = a.required("model");
        Args.model(model);
        List<Path> checkpoints = a.checkpoints();
        int batch = a.integer("batch", 32);
        int workers = a.integer("workers", Math.max(1, Runtime.getRuntime().availableProcessors()));
        Preprocessing pre = Preprocessing.of(model);
        int size = a.integer("size", pre.size());
        ImageFolder folder = ImageFolder.scan(Path.of(a.required("data")));
        Integer numClasses = a.optionalInteger("num-classes");
        ComputationGraph g = FecModels.load(model, checkpoints, numClasses, DataType.FLOAT, !a.flag("non-strict"))
                .graph();
        EvalTransform t = new EvalTransform(size, pre.cropPct(), pre.mean(), pre.std());
        long start = System.nanoTime();
        try (ImageFolderIterator it = new ImageFolderIterator(folder, t::apply, batch, workers, 2, false, 0)) {
            int total = folder.samples().size();
            Validation.Metrics m = Validation.evaluate(g, it, p -> System.err.printf(
                    "\rvalidate: %d/%d images, top1 %.4f, %.1f images/s", p.images(), total, p.top1(),
                    p.images() / ((System.nanoTime() - start) / 1e9)));
            System.err.println();
            System.out.println(m + (it.skippedImages() > 0 ? ", " + it.skippedImages() + " unreadable images skipped"
                    : ""));
            if (a.flag("per-class")) {
                System.out.print(perClass(m, folder));
            }
        }
    }

    /** One line per class, lowest top-1 first: top-1, (correct/images), folder name, readable name if different. */
    static String perClass(Validation.Metrics m, ImageFolder folder) {
        List<String> classes = folder.classes();
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            order.add(c);
        }
        order.sort(Comparator.comparingDouble(m::classTop1).thenComparing(c -> classes.get(c)));
        StringBuilder sb = new StringBuilder("per-class top-1, worst first:\n");
        for (int c : order) {
            String name = SynsetNames.readable(classes.get(c));
            sb.append(String.format("  %.4f (%d/%d)  %s%s%n", m.classTop1(c), m.classCorrect(c), m.classImages(c),
                    classes.get(c), name.equals(classes.get(c)) ? "" : "  " + name));
        }
        return sb.toString();
    }
}
