package org.fec.segmentation;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.CnnLossLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The runtime of {@link SegmentationLoss}. */
public class SegmentationLossImpl extends CnnLossLayer {

    public SegmentationLossImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private SegmentationLoss lossConf() {
        return (SegmentationLoss) conf().getLayer();
    }

    /**
     * Log-softmax, one-hot targets and the labelled-pixel mask of the current input and labels, pixels as rows
     * ([N*H*W, C], channels last) so that the softmax runs over contiguous rows.
     */
    private record Terms(INDArray logProb, INDArray target, INDArray labelled, double labelledCount) {
    }

    private Terms terms() {
        if (input == null || input.rank() != 4) {
            throw new IllegalStateException("SegmentationLoss expects NCHW logits, got "
                    + (input == null ? "no input" : Arrays.toString(input.shape())));
        }
        if (labels == null) {
            throw new IllegalStateException("SegmentationLoss: labels are not set");
        }
        long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
        if (labels.length() != n * h * w || labels.size(0) != n) {
            throw new IllegalArgumentException("SegmentationLoss: labels of shape " + Arrays.toString(labels.shape())
                    + " do not match logits " + Arrays.toString(input.shape()) + " (expected [" + n + ", 1, " + h
                    + ", " + w + "] class indices)");
        }
        DataType dt = input.dataType();
        INDArray classes = labels.castTo(dt).reshape('c', n * h * w, 1);
        INDArray labelled = classes.neq(lossConf().getIgnoreIndex()).castTo(dt);
        INDArray safe = classes.mul(labelled);
        double max = safe.maxNumber().doubleValue();
        double min = safe.minNumber().doubleValue();
        if (max >= c || min < 0) {
            throw new IllegalArgumentException("SegmentationLoss: label value " + (max >= c ? max : min)
                    + " is outside [0, " + c + ") and is not the ignore index " + lossConf().getIgnoreIndex());
        }
        INDArray target = Nd4j.create(dt, n * h * w, c);
        Nd4j.exec(new OneHot(safe.reshape(n * h * w).castTo(DataType.INT), target, (int) c, -1, 1.0, 0.0));
        target.muliColumnVector(labelled);
        INDArray rows = input.permute(0, 2, 3, 1).dup('c').reshape('c', n * h * w, c);
        INDArray logProb = Nd4j.exec(new LogSoftMax(rows, 1))[0];
        return new Terms(logProb, target, labelled, labelled.sumNumber().doubleValue());
    }

    /** The per-image divisor: all pixels of an image, or (averaging over labelled pixels) labelled / N. */
    private double divisor(Terms t) {
        long n = input.size(0);
        if (lossConf().isAverageOverLabelled()) {
            return Math.max(t.labelledCount(), 1.0) / n;
        }
        return (double) input.size(2) * input.size(3);
    }

    private INDArray perImageLoss(Terms t) {
        // -sum over classes and pixels of target * log p, per image.
        long n = input.size(0);
        return t.target().mul(t.logProb()).sum(1).reshape('c', n, -1).sum(1).negi().divi(divisor(t));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        Terms t = terms();
        double score = perImageLoss(t).sumNumber().doubleValue() / input.size(0) + fullNetRegTerm;
        this.score = score;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        INDArray perImage = perImageLoss(terms()).reshape(input.size(0), 1).addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, perImage);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Terms t = terms();
        // d/dlogits of the per-image sums: (softmax - target) on labelled pixels; DL4J's updater then divides by N.
        INDArray rows = Transforms.exp(t.logProb(), false).muliColumnVector(t.labelled());
        rows.subi(t.target()).divi(divisor(t));
        long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
        INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
        grad.assign(rows.reshape('c', n, h, w, c).permute(0, 3, 1, 2));
        return new Pair<>(new DefaultGradient(), grad);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input);
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        throw new UnsupportedOperationException("Use org.fec.segmentation.eval.SegmentationMetrics for mIoU");
    }
}
