package org.fec.segmentation;

import java.io.PrintStream;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.datavec.ade20k.Ade20kDataset;
import org.fec.datavec.ade20k.SegEvalTransform;
import org.fec.datavec.ade20k.SegmentationIterator;
import org.fec.segmentation.eval.SegmentationMetrics;
import org.fec.segmentation.eval.SegmentationResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;

/** mIoU of a segmentation model on a list of (image, label map) pairs, image by image at the original size. */
public final class SegEvaluation {

    private SegEvaluation() {
    }

    /**
     * Evaluates {@code model} on {@code samples} with the evaluation transform (keep-ratio resize, sides multiples of
     * 32); labels are reduced (0 to ignore, k to k-1) when {@code reduceZeroLabel}. Progress goes to {@code log}
     * (may be null). Unreadable samples are skipped and counted in the log.
     */
    public static SegmentationResult evaluate(ComputationGraph model, List<Ade20kDataset.Sample> samples,
                                              SegEvalTransform transform, boolean reduceZeroLabel, int numClasses,
                                              int workers, PrintStream log) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("No images to evaluate");
        }
        // Labels arrive already reduced, so the metric itself does not reduce again.
        SegmentationMetrics metrics = new SegmentationMetrics(numClasses, 255, false);
        long start = System.nanoTime();
        long lastPrint = start;
        int done = 0;
        try (SegmentationIterator it = SegmentationIterator.evaluation(samples, transform, reduceZeroLabel,
                numClasses, workers, 2)) {
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray label = ds.getLabels();
                int h = (int) label.size(2), w = (int) label.size(3);
                INDArray pred = SegPrediction.classes(model, ds.getFeatures(), h, w);
                metrics.add(pred, label.reshape(h, w).castTo(pred.dataType()));
                done++;
                long now = System.nanoTime();
                if (log != null && (now - lastPrint > 2_000_000_000L || done == samples.size())) {
                    lastPrint = now;
                    log.printf("\revaluated %d/%d images (%.1f img/s) ", done, samples.size(),
                            done / ((now - start) / 1e9));
                }
            }
            if (log != null) {
                log.println();
                if (it.skippedSamples() > 0) {
                    log.println(it.skippedSamples() + " unreadable samples skipped");
                }
            }
        }
        return metrics.result();
    }
}
