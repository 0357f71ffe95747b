package org.fec.datavec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Batches of an {@link ImageFolder} as a DL4J {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator}:
 * features NCHW, labels one-hot. Images are decoded and transformed on background threads, {@code prefetchBatches}
 * batches ahead, so the model does not wait on the disk. An unreadable image is skipped with one warning naming it
 * and counted ({@link #skippedImages()}).
 */
public class ImageFolderIterator extends PrefetchingIterator<ImageFolder.Sample, ImageFolderIterator.Decoded> {

    /** Decodes one image into a [1, 3, S, S] array. */
    @FunctionalInterface
    public interface ImageTransform {
        INDArray apply(java.nio.file.Path file) throws java.io.IOException;
    }

    /** One decoded image with its class. */
    protected record Decoded(INDArray image, int label) {
    }

    private final ImageFolder folder;
    private final transient ImageTransform transform;

    public ImageFolderIterator(ImageFolder folder, ImageTransform transform, int batchSize, int workers,
                               int prefetchBatches, boolean shuffle, long seed) {
        super(folder.samples(), batchSize, workers, prefetchBatches, shuffle, seed, "fec-image-decoder");
        this.folder = folder;
        this.transform = transform;
    }

    /** Images skipped so far because they could not be read or decoded. */
    public int skippedImages() {
        return skipped();
    }

    @Override
    protected Decoded load(ImageFolder.Sample sample, long seed) throws java.io.IOException {
        return new Decoded(transform.apply(sample.file()), sample.label());
    }

    @Override
    protected DataSet assemble(List<Decoded> batch) {
        INDArray features = Nd4j.concat(0, batch.stream().map(Decoded::image).toArray(INDArray[]::new));
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, batch.size(), folder.classes().size());
        for (int i = 0; i < batch.size(); i++) {
            oneHot.putScalar(i, batch.get(i).label(), 1.0);
        }
        return new DataSet(features, oneHot);
    }

    @Override
    protected String describe(ImageFolder.Sample sample) {
        return "image " + sample.file();
    }

    @Override
    public int totalOutcomes() {
        return folder.classes().size();
    }

    /**
     * The readable class names ({@link ImageFolder#classNames()}), index = label. DL4J uses an iterator's labels
     * only to name classes in reports ({@code graph.evaluate(iterator)} passes them to {@code Evaluation}, whose
     * {@code stats()} prints them), so ImageNet shows {@code tench, Tinca tinca} rather than {@code n01440764}. The
     * names are distinct; the folder names, which identify the classes, stay in {@link ImageFolder#classes()}.
     */
    @Override
    public List<String> getLabels() {
        return folder.classNames();
    }
}
