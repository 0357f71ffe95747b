package org.fec.datavec.ade20k;

import org.fec.datavec.PrefetchingIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Batches of a segmentation data set as a DL4J {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator}:
 * features float32 [N, 3, H, W], labels float32 [N, 1, h, w] holding class ids ({@value LabelMaps#IGNORE_INDEX} =
 * ignore). Samples are decoded and transformed on {@code workers} background threads, {@code prefetchBatches}
 * batches ahead ({@link PrefetchingIterator}). A sample that cannot be read or decoded is skipped with one warning
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
public class SegmentationIterator extends PrefetchingIterator<Ade20kDataset.Sample, SegSample> {

    private static final long serialVersionUID = 1L;

    /** Reads and transforms one sample; {@code seed} is the sample's own random seed. */
    @FunctionalInterface
    public interface SampleLoader {
        SegSample load(Ade20kDataset.Sample sample, long seed) throws IOException;
    }

    private final transient SampleLoader loader;
    private final int numClasses;

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
        super(samples, batchSize, workers, prefetchBatches, shuffle, seed, "fec-seg-decoder");
        this.loader = loader;
        this.numClasses = numClasses;
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
        return skipped();
    }

    @Override
    protected SegSample load(Ade20kDataset.Sample sample, long seed) throws IOException {
        return loader.load(sample, seed);
    }

    @Override
    protected String describe(Ade20kDataset.Sample sample) {
        return "sample " + sample.image() + " / " + sample.label();
    }

    @Override
    protected DataSet assemble(List<SegSample> batch) {
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
        return new DataSet(Nd4j.stack(0, images), Nd4j.stack(0, labels));
    }

    @Override
    public int totalOutcomes() {
        return numClasses;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
