package org.fec.datavec.ade20k;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of a segmentation data set as a DL4J {@link DataSetIterator}: features float32 [N, 3, H, W], labels
 * float32 [N, 1, h, w] holding class ids ({@value LabelMaps#IGNORE_INDEX} = ignore). Samples are decoded and
 * transformed on {@code workers} background threads, {@code prefetchBatches} batches ahead (as
 * {@link org.fec.datavec.ImageFolderIterator}). A sample that cannot be read or decoded is skipped with one warning
 * naming its files and counted ({@link #skippedSamples()}).
 * <ul>
 *   <li><b>Training</b> ({@link #training}): a new shuffled order every epoch (seeded), each sample transformed with
 *       its own seed drawn from the iterator's stream in submission order, so a run is reproducible whatever the
 *       thread timing. The crops give every sample the same size, so any batch size works.</li>
 *   <li><b>Evaluation</b> ({@link #evaluation}): file order, batch size 1, because images keep their aspect ratio
 *       and so differ in size; the labels keep the original image size (only the image is resized), so features
 *       and labels of a batch have different spatial sizes: resize the logits to the label size before comparing.</li>
 * </ul>
 * Samples of one batch must share their sizes; otherwise {@link #next()} throws {@link IllegalStateException}.
 */
public class SegmentationIterator implements DataSetIterator, AutoCloseable {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(SegmentationIterator.class);

    /** Reads and transforms one sample; {@code seed} is the sample's own random seed. */
    @FunctionalInterface
    public interface SampleLoader {
        SegSample load(Ade20kDataset.Sample sample, long seed) throws IOException;
    }

    private final List<Ade20kDataset.Sample> samples;
    private final SampleLoader loader;
    private final int batchSize;
    private final int prefetchBatches;
    private final boolean shuffle;
    private final int numClasses;
    private final Random random;
    private final transient ExecutorService pool;
    private final AtomicInteger skipped = new AtomicInteger();
    private final transient Deque<Pending> inFlight = new ArrayDeque<>();
    private final transient Deque<SegSample> ready = new ArrayDeque<>();
    private List<Ade20kDataset.Sample> order;
    private int nextToSubmit;
    private DataSetPreProcessor preProcessor;

    private record Pending(Ade20kDataset.Sample sample, Future<SegSample> result) {
    }

    /**
     * @param samples         the data set, e.g. from {@link Ade20kDataset#scan}
     * @param loader          reads and transforms one sample
     * @param batchSize       samples per batch
     * @param workers         decoding threads
     * @param prefetchBatches batches decoded ahead
     * @param shuffle         a new random order per epoch
     * @param seed            seeds the order and the per-sample seeds
     * @param numClasses      reported by {@link #totalOutcomes()}
     */
    public SegmentationIterator(List<Ade20kDataset.Sample> samples, SampleLoader loader, int batchSize, int workers,
                                int prefetchBatches, boolean shuffle, long seed, int numClasses) {
        if (batchSize < 1 || workers < 1 || prefetchBatches < 1) {
            throw new IllegalArgumentException("batchSize, workers and prefetchBatches must be >= 1");
        }
        this.samples = List.copyOf(samples);
        this.loader = loader;
        this.batchSize = batchSize;
        this.prefetchBatches = prefetchBatches;
        this.shuffle = shuffle;
        this.numClasses = numClasses;
        this.random = new Random(seed);
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "fec-seg-decoder");
            t.setDaemon(true);
            return t;
        });
        reset();
    }

    /** Training batches: shuffled each epoch, {@link SegTrainTransform} with per-sample seeds. */
    public static SegmentationIterator training(List<Ade20kDataset.Sample> samples, SegTrainTransform transform,
                                                boolean reduceZeroLabel, int numClasses, int batchSize, int workers,
                                                int prefetchBatches, long seed) {
        return new SegmentationIterator(samples,
                (s, sampleSeed) -> transform.apply(s.image(), s.label(), reduceZeroLabel, sampleSeed),
                batchSize, workers, prefetchBatches, true, seed, numClasses);
    }

    /**
     * Evaluation batches of one sample each, in order: image [1, 3, H', W'] after {@link SegEvalTransform}, labels
     * [1, 1, H, W] at the original size.
     */
    public static SegmentationIterator evaluation(List<Ade20kDataset.Sample> samples, SegEvalTransform transform,
                                                  boolean reduceZeroLabel, int numClasses, int workers,
                                                  int prefetchBatches) {
        return new SegmentationIterator(samples,
                (s, sampleSeed) -> transform.apply(s.image(), s.label(), reduceZeroLabel),
                1, workers, prefetchBatches, false, 0L, numClasses);
    }

    /** Samples skipped so far (all epochs) because they could not be read or decoded. */
    public int skippedSamples() {
        return skipped.get();
    }

    /** Samples in the data set, including any that will turn out unreadable. */
    public int numSamples() {
        return samples.size();
    }

    private void fill() {
        while (inFlight.size() + ready.size() < batchSize * prefetchBatches && nextToSubmit < order.size()) {
            Ade20kDataset.Sample s = order.get(nextToSubmit++);
            long sampleSeed = random.nextLong();
            inFlight.add(new Pending(s, pool.submit(() -> loader.load(s, sampleSeed))));
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        while (ready.isEmpty() && !inFlight.isEmpty()) {
            Pending p = inFlight.poll();
            try {
                ready.add(p.result().get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    throw err;
                }
                skipped.incrementAndGet();
                log.warn("Skipping unreadable sample {} / {}: {}", p.sample().image(), p.sample().label(),
                        cause instanceof IOException ? cause.getMessage() : String.valueOf(cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while decoding samples", e);
            }
            fill();
        }
        return !ready.isEmpty();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        List<SegSample> batch = new ArrayList<>(num);
        while (batch.size() < num && hasNext()) {
            batch.add(ready.poll());
        }
        if (batch.isEmpty()) {
            throw new NoSuchElementException("No more samples");
        }
        INDArray[] images = new INDArray[batch.size()], labels = new INDArray[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            images[i] = batch.get(i).image();
            labels[i] = batch.get(i).label();
            if (i > 0 && (!Arrays.equals(images[i].shape(), images[0].shape())
                    || !Arrays.equals(labels[i].shape(), labels[0].shape()))) {
                throw new IllegalStateException("Samples of one batch differ in size (" + images[0].shapeInfoToString()
                        + " vs " + images[i].shapeInfoToString() + "): use batch size 1 for evaluation");
            }
        }
        DataSet ds = new DataSet(Nd4j.stack(0, images), Nd4j.stack(0, labels));
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public int inputColumns() {
        return -1;
    }

    @Override
    public int totalOutcomes() {
        return numClasses;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;   // decoding is already asynchronous
    }

    @Override
    public void reset() {
        for (Pending p : inFlight) {
            p.result().cancel(true);
        }
        inFlight.clear();
        ready.clear();
        order = new ArrayList<>(samples);
        if (shuffle) {
            Collections.shuffle(order, random);
        }
        nextToSubmit = 0;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
