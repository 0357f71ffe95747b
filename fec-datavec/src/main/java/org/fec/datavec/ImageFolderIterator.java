package org.fec.datavec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * Batches of an {@link ImageFolder} as a DL4J {@link DataSetIterator}: features NCHW, labels one-hot. Images are
 * decoded and transformed on background threads, {@code prefetchBatches} batches ahead, so the model does not wait
 * on the disk. An unreadable image is skipped with one warning naming it and counted ({@link #skippedImages()}).
 */
public class ImageFolderIterator implements DataSetIterator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageFolderIterator.class);

    /** Decodes one image into a [1, 3, S, S] array. */
    @FunctionalInterface
    public interface ImageTransform {
        INDArray apply(java.nio.file.Path file) throws java.io.IOException;
    }

    private final ImageFolder folder;
    private final ImageTransform transform;
    private final int batchSize;
    private final int prefetchBatches;
    private final boolean shuffle;
    private final Random random;
    private final ExecutorService pool;
    private final AtomicInteger skipped = new AtomicInteger();
    private final Deque<Future<INDArray>> inFlight = new ArrayDeque<>();
    private final Deque<Integer> inFlightLabels = new ArrayDeque<>();
    private final Deque<java.nio.file.Path> inFlightFiles = new ArrayDeque<>();
    private List<ImageFolder.Sample> order;
    private int nextToSubmit;
    private DataSetPreProcessor preProcessor;

    public ImageFolderIterator(ImageFolder folder, ImageTransform transform, int batchSize, int workers,
                               int prefetchBatches, boolean shuffle, long seed) {
        if (batchSize < 1 || workers < 1 || prefetchBatches < 1) {
            throw new IllegalArgumentException("batchSize, workers and prefetchBatches must be >= 1");
        }
        this.folder = folder;
        this.transform = transform;
        this.batchSize = batchSize;
        this.prefetchBatches = prefetchBatches;
        this.shuffle = shuffle;
        this.random = new Random(seed);
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "fec-image-decoder");
            t.setDaemon(true);
            return t;
        });
        reset();
    }

    /** Images skipped so far because they could not be read or decoded. */
    public int skippedImages() {
        return skipped.get();
    }

    private void fill() {
        while (inFlight.size() < batchSize * prefetchBatches && nextToSubmit < order.size()) {
            ImageFolder.Sample s = order.get(nextToSubmit++);
            inFlight.add(pool.submit(() -> transform.apply(s.file())));
            inFlightLabels.add(s.label());
            inFlightFiles.add(s.file());
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        return !inFlight.isEmpty();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        List<INDArray> images = new ArrayList<>(num);
        List<Integer> labels = new ArrayList<>(num);
        while (images.size() < num && hasNext()) {
            Future<INDArray> f = inFlight.poll();
            int label = inFlightLabels.poll();
            java.nio.file.Path file = inFlightFiles.poll();
            try {
                images.add(f.get());
                labels.add(label);
            } catch (ExecutionException e) {
                skipped.incrementAndGet();
                log.warn("Skipping unreadable image {}: {}", file, e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while decoding images", e);
            }
            fill();
        }
        if (images.isEmpty()) {
            throw new NoSuchElementException("No more images in " + folder.root());
        }
        INDArray features = Nd4j.concat(0, images.toArray(new INDArray[0]));
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, images.size(), folder.classes().size());
        for (int i = 0; i < labels.size(); i++) {
            oneHot.putScalar(i, labels.get(i), 1.0);
        }
        DataSet ds = new DataSet(features, oneHot);
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
        return folder.classes().size();
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
        for (Future<INDArray> f : inFlight) {
            f.cancel(true);
        }
        inFlight.clear();
        inFlightLabels.clear();
        inFlightFiles.clear();
        order = new ArrayList<>(folder.samples());
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
        return folder.classes();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
