package org.fec.zoo.cli;

import org.fec.datavec.ImageFolder;
import org.fec.datavec.ImageFolderIterator;
import org.fec.datavec.TrainTransform;
import org.fec.datavec.augment.Mixup;
import org.fec.zoo.Preprocessing;
import org.fec.zoo.train.TrainConfig;

import java.nio.file.Path;
import java.util.Set;

/**
 * {@code fec bench-data}: images/s of the training input pipeline alone (decode, augment, batch, mixup), with
 * {@code fec train}'s default augmentations unless {@code --aa none} etc. say otherwise.
 */
final class BenchData {

    private BenchData() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("data", "size", "batch", "workers", "images", "aa", "reprob", "color-jitter"),
                Set.of());
        TrainConfig recipe = new TrainConfig();
        ImageFolder folder = ImageFolder.scan(Path.of(a.required("data")));
        int size = a.integer("size", recipe.size);
        int batch = a.integer("batch", 32);
        int workers = a.integer("workers", Math.max(1, Runtime.getRuntime().availableProcessors()));
        int limit = a.integer("images", Math.min(2000, folder.samples().size()));
        Preprocessing pre = Preprocessing.of("fec_small");
        recipe.size = size;
        recipe.autoAugment = a.optional("aa", recipe.autoAugment);
        recipe.reprob = a.number("reprob", recipe.reprob);
        recipe.colorJitter = a.number("color-jitter", recipe.colorJitter);
        TrainTransform t = recipe.trainTransform(pre.mean(), pre.std(), 1);
        Mixup mixup = recipe.batchMixing(1);
        System.out.printf("augmentations: --aa %s --reprob %s --color-jitter %s, mixup/CutMix on each batch%n",
                recipe.autoAugment, recipe.reprob, recipe.colorJitter);
        try (ImageFolderIterator it = new ImageFolderIterator(folder, t::apply, batch, workers, 3, true, 1)) {
            int seen = 0;
            long start = 0;
            while (it.hasNext() && seen < limit) {
                org.nd4j.linalg.dataset.DataSet ds = it.next();
                mixup.preProcess(ds);
                int n = ds.numExamples();
                if (start == 0) {
                    start = System.nanoTime();   // the first batch includes start-up
                    continue;
                }
                seen += n;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("input pipeline: %.1f images/s (%d images, %dx%d, batch %d, %d decoding threads)%n",
                    seen / secs, seen, size, size, batch, workers);
        }
    }
}
