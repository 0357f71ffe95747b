package org.fec.datavec.ade20k;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentationIteratorTest {

    private static SegTrainTransform smallTrain(long seed) {
        return new SegTrainTransform(64, 128, 64, 0.5, 2.0, 0.75, seed);
    }

    private static List<Ade20kDataset.Sample> dataSetWithCorruptImage(Path dir) throws IOException {
        Path base = TinyShapesDataset.write(dir, 6, 3, 64, 7);
        Files.write(base.resolve("images/training/ADE_train_00000099.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, 1,
                2, 3, 4, 5, 6, 7, 8});
        Ade20kDatasetTest.grayPng(base.resolve("annotations/training/ADE_train_00000099.png"), 64, 64, 1);
        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(dir, "training");
        assertEquals(7, samples.size());   // a header that cannot be read is left to the iterator
        return samples;
    }

    @Test
    void trainingIteratorBatchesSkipsCorruptImagesAndResets(@TempDir Path dir) throws IOException {
        List<Ade20kDataset.Sample> samples = dataSetWithCorruptImage(dir);
        try (SegmentationIterator it = SegmentationIterator.training(samples, smallTrain(1), true,
                TinyShapesDataset.NUM_CLASSES, 4, 2, 2, 123)) {
            assertEquals(4, it.totalOutcomes());
            for (int epoch = 0; epoch < 2; epoch++) {
                int total = 0, batches = 0;
                Set<Integer> values = new TreeSet<>();
                while (it.hasNext()) {
                    DataSet ds = it.next();
                    batches++;
                    int n = ds.numExamples();
                    assertArrayEquals(new long[]{n, 3, 64, 64}, ds.getFeatures().shape());
                    assertArrayEquals(new long[]{n, 1, 64, 64}, ds.getLabels().shape());
                    for (double v : ds.getLabels().data().asDouble()) {
                        values.add((int) v);
                        assertEquals(Math.rint(v), v);
                    }
                    total += n;
                }
                assertEquals(6, total, "epoch " + epoch);
                assertEquals(2, batches);
                assertEquals(epoch + 1, it.skippedSamples());
                assertTrue(Set.of(0, 1, 2, 3, 255).containsAll(values), values.toString());
                assertTrue(values.containsAll(Set.of(0, 1, 2, 3)), values.toString());
                it.reset();
            }
        }
    }

    @Test
    void trainingRunsAreReproducibleWhateverTheThreadTiming(@TempDir Path dir) throws IOException {
        Path base = TinyShapesDataset.write(dir, 6, 0, 64, 3);
        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(base, "training");
        try (SegmentationIterator a = SegmentationIterator.training(samples, smallTrain(1), true, 4, 3, 3, 1, 99);
             SegmentationIterator b = SegmentationIterator.training(samples, smallTrain(1), true, 4, 3, 1, 4, 99)) {
            while (a.hasNext()) {
                assertTrue(b.hasNext());
                DataSet x = a.next(), y = b.next();
                assertEquals(x.getFeatures(), y.getFeatures());
                assertEquals(x.getLabels(), y.getLabels());
            }
            assertFalse(b.hasNext());
        }
    }

    @Test
    void evaluationIteratorKeepsLabelsAtTheOriginalSize(@TempDir Path dir) throws IOException {
        Path base = TinyShapesDataset.write(dir, 0, 3, 48, 5);
        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(base, "validation");
        // (128, 64): 48 x 48 -> 64 x 64 (already a multiple of 32)
        SegEvalTransform t = new SegEvalTransform(128, 64, 32, SegNormalization.imagenet());
        try (SegmentationIterator it = SegmentationIterator.evaluation(samples, t, true, 4, 2, 2)) {
            int count = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                count++;
                assertArrayEquals(new long[]{1, 3, 64, 64}, ds.getFeatures().shape());
                assertArrayEquals(new long[]{1, 1, 48, 48}, ds.getLabels().shape());
            }
            assertEquals(3, count);
        }
        // 48 -> 96 x 96 fits (128, 96)? no: factor min(128/48, 96/48) = 2 -> 96, aligned 96
        SegEvalTransform t2 = new SegEvalTransform(128, 96, 32, SegNormalization.imagenet());
        try (SegmentationIterator it = SegmentationIterator.evaluation(samples, t2, true, 4, 1, 1)) {
            DataSet ds = it.next();
            assertArrayEquals(new long[]{1, 3, 96, 96}, ds.getFeatures().shape());
        }
    }

    @Test
    void tinyShapesAreDeterministicSeparableAndUseRawLabelsOneToFour(@TempDir Path dir) throws IOException {
        Path a = TinyShapesDataset.write(dir.resolve("a"), 3, 2, 64, 11);
        Path b = TinyShapesDataset.write(dir.resolve("b"), 3, 2, 64, 11);
        Path c = TinyShapesDataset.write(dir.resolve("c"), 3, 2, 64, 12);
        List<Path> files;
        try (Stream<Path> s = Files.walk(a)) {
            files = s.filter(Files::isRegularFile).map(a::relativize).sorted().toList();
        }
        assertEquals(10, files.size(), files.toString());   // no temporary files left
        boolean differs = false;
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
            differs |= !java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f)));
        }
        assertTrue(differs);

        // every class present with a large share, raw labels 1..4 only, colours separate the classes (eval pipeline
        // without distortion: red rectangle, green circle, blue triangle, dark background)
        SegEvalTransform t = new SegEvalTransform(128, 64, 32, new SegNormalization(new double[]{0, 0, 0},
                new double[]{1, 1, 1}));
        for (Ade20kDataset.Sample s : Ade20kDataset.scan(a, "training")) {
            ByteImage raw = LabelMaps.read(s.label());
            int[] counts = new int[256];
            for (byte v : raw.data()) {
                counts[v & 0xFF]++;
            }
            for (int k = 0; k < 256; k++) {
                if (k >= 1 && k <= 4) {
                    assertTrue(counts[k] >= 64 * 64 * TinyShapesDataset.MIN_FRACTION_PERCENT / 100, "class " + k);
                } else {
                    assertEquals(0, counts[k], "label " + k);
                }
            }
            SegSample sample = t.apply(s.image(), s.label(), true);
            INDArray img = sample.image(), lab = sample.label();
            double[][] sum = new double[4][3];
            int[] n = new int[4];
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int k = lab.getInt(0, y, x);
                    n[k]++;
                    for (int ch = 0; ch < 3; ch++) {
                        sum[k][ch] += img.getDouble(ch, y, x);
                    }
                }
            }
            double[][] mean = new double[4][3];
            for (int k = 0; k < 4; k++) {
                for (int ch = 0; ch < 3; ch++) {
                    mean[k][ch] = sum[k][ch] / n[k];
                }
            }
            assertTrue(mean[0][0] < 90 && mean[0][1] < 90 && mean[0][2] < 90, "background dark");
            assertTrue(mean[1][0] > 150 && mean[1][1] < 110 && mean[1][2] < 110, "rectangle red");
            assertTrue(mean[2][1] > 140 && mean[2][0] < 110 && mean[2][2] < 110, "circle green");
            assertTrue(mean[3][2] > 160 && mean[3][0] < 110 && mean[3][1] < 130, "triangle blue");
        }
    }
}
