package org.fec.datavec;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
 * The machinery of the project's image {@link DataSetIterator}s: samples are loaded on {@code workers} background
 * threads, {@code prefetchBatches} batches ahead, in a (per epoch, seeded) shuffled or fixed order. Each sample gets
 * its own seed drawn from the iterator's stream in submission order, so a run is reproducible whatever the thread
 * timing. A sample that cannot be loaded is skipped with one warning naming it and counted ({@link #skipped()}).
 *
 * @param <S> a data-set entry (files)
 * @param <R> a loaded sample (arrays)
 */
public abstract class PrefetchingIterator<S, R> implements DataSetIterator, AutoCloseable {

    private static final long serialVersionUID = 1L;

    private final transient Logger log = LoggerFactory.getLogger(getClass());
    private final List<S> samples;
    private final int batchSize;
    private final int prefetchBatches;
    private final boolean shuffle;
    private final Random random;
    private final transient ExecutorService pool;
    private final AtomicInteger skipped = new AtomicInteger();
    private final transient Deque<Pending<S, R>> inFlight = new ArrayDeque<>();
    private final transient Deque<R> ready = new ArrayDeque<>();
    private List<S> order;
    private int nextToSubmit;
    private DataSetPreProcessor preProcessor;

    private record Pending<S, R>(S sample, Future<R> result) {
    }

    protected PrefetchingIterator(List<S> samples, int batchSize, int workers, int prefetchBatches, boolean shuffle,
                                  long seed, String threadName) {
        if (batchSize < 1 || workers < 1 || prefetchBatches < 1) {
            throw new IllegalArgumentException("batchSize, workers and prefetchBatches must be >= 1");
        }
        this.samples = List.copyOf(samples);
        this.batchSize = batchSize;
        this.prefetchBatches = prefetchBatches;
        this.shuffle = shuffle;
        this.random = new Random(seed);
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        reset();
    }

    /** Loads one sample (on a worker thread); {@code seed} is the sample's own random seed. */
    protected abstract R load(S sample, long seed) throws IOException;

    /** Stacks loaded samples into a batch. */
    protected abstract DataSet assemble(List<R> batch);

    /** Names a sample in the warning when it cannot be loaded. */
    protected abstract String describe(S sample);

    /** Samples skipped so far (all epochs) because they could not be loaded. */
    protected int skipped() {
        return skipped.get();
    }

    /** Entries in the data set, including any that will turn out unreadable. */
    public int numSamples() {
        return samples.size();
    }

    private void fill() {
        while (inFlight.size() + ready.size() < batchSize * prefetchBatches && nextToSubmit < order.size()) {
            S s = order.get(nextToSubmit++);
            long sampleSeed = random.nextLong();
            inFlight.add(new Pending<>(s, pool.submit(() -> load(s, sampleSeed))));
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        while (ready.isEmpty() && !inFlight.isEmpty()) {
            Pending<S, R> p = inFlight.poll();
            try {
                ready.add(p.result().get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    throw err;
                }
                skipped.incrementAndGet();
                log.warn("Skipping unreadable {}: {}", describe(p.sample()),
                        cause instanceof IOException ? cause.getMessage() : String.valueOf(cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while loading samples", e);
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
        List<R> batch = new ArrayList<>(num);
        while (batch.size() < num && hasNext()) {
            batch.add(ready.poll());
        }
        if (batch.isEmpty()) {
            throw new NoSuchElementException("No more samples");
        }
        DataSet ds = assemble(batch);
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
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;   // loading is already asynchronous
    }

    @Override
    public void reset() {
        for (Pending<S, R> p : inFlight) {
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
    public void close() {
        pool.shutdownNow();
    }
}
