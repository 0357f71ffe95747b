package org.fec.segmentation;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.CnnLossLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link SegmentationLoss}. Logits are NCHW; the softmax over classes is computed with reductions
 * along the class axis and in-place element-wise passes (no layout copies, no one-hot tensor), and everything that
 * depends on the label (the picked log-probability, the -1 of the gradient, ignored pixels) is done per pixel,
 * which is C times less work than per element.
 */
public class SegmentationLossImpl extends CnnLossLayer {

    /** The loss and gradient of the last (input, labels) pair, so that score and backprop compute them once. */
    private INDArray cachedInput;
    private INDArray cachedLabels;
    private double[] cachedPerImage;

    public SegmentationLossImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private SegmentationLoss lossConf() {
        return (SegmentationLoss) conf().getLayer();
    }

    private void checkShapes() {
        if (input == null || input.rank() != 4) {
            throw new IllegalStateException("SegmentationLoss expects NCHW logits, got "
                    + (input == null ? "no input" : Arrays.toString(input.shape())));
        }
        if (labels == null) {
            throw new IllegalStateException("SegmentationLoss: labels are not set");
        }
        long n = input.size(0), h = input.size(2), w = input.size(3);
        if (labels.length() != n * h * w || labels.size(0) != n) {
            throw new IllegalArgumentException("SegmentationLoss: labels of shape " + Arrays.toString(labels.shape())
                    + " do not match logits " + Arrays.toString(input.shape()) + " (expected [" + n + ", 1, " + h
                    + ", " + w + "] class indices)");
        }
    }

    /**
     * Computes the per-image losses (sums over labelled pixels divided by {@link #divisor}) and, when
     * {@code gradient} is not null, writes d(sum of per-image losses)/d logits into it.
     */
    private double[] lossAndGradient(INDArray gradient) {
        checkShapes();
        int n = (int) input.size(0), c = (int) input.size(1);
        long hw = input.size(2) * input.size(3);
        INDArray x = input.ordering() == 'c' && !input.isView() ? input : input.dup('c');
        // Softmax pieces over the class axis: m = max, s = sum exp(x - m); p = exp(x - m) / s.
        INDArray max = x.max(true, 1);
        INDArray shifted = gradient != null ? gradient : Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(new BroadcastSubOp(x, max, shifted, 0, 2, 3));
        Transforms.exp(shifted, false);
        INDArray sum = shifted.sum(true, 1);
        float[] labelValues = labels.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
        double[] m = max.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        double[] s = sum.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        DataBuffer xs = x.data();
        long xOffset = x.offset();
        int ignore = lossConf().getIgnoreIndex();
        double[] perImage = new double[n];
        long labelled = 0;
        for (int b = 0; b < n; b++) {
            for (long p = 0; p < hw; p++) {
                int pixel = (int) (b * hw + p);
                float raw = labelValues[pixel];
                if (raw == ignore) {
                    continue;
                }
                int label = (int) raw;
                if (label != raw || label < 0 || label >= c) {
                    throw new IllegalArgumentException("SegmentationLoss: label value " + raw + " is outside [0, "
                            + c + ") and is not the ignore index " + ignore);
                }
                long at = (long) b * c * hw + (long) label * hw + p;
                perImage[b] -= xs.getDouble(xOffset + at) - m[pixel] - Math.log(s[pixel]);
                labelled++;
            }
        }
        double divisor = divisor(labelled);
        for (int b = 0; b < n; b++) {
            perImage[b] /= divisor;
        }
        if (gradient != null) {
            // p - onehot on labelled pixels, 0 on ignored ones, divided like the loss.
            Nd4j.exec(new BroadcastDivOp(gradient, sum, gradient, 0, 2, 3));
            DataBuffer g = gradient.data();
            long gOffset = gradient.offset();
            for (int b = 0; b < n; b++) {
                for (long p = 0; p < hw; p++) {
                    int pixel = (int) (b * hw + p);
                    float raw = labelValues[pixel];
                    long base = gOffset + (long) b * c * hw + p;
                    if (raw == ignore) {
                        for (int k = 0; k < c; k++) {
                            g.put(base + k * hw, 0.0);
                        }
                    } else {
                        long at = base + (long) raw * hw;
                        g.put(at, g.getDouble(at) - 1.0);
                    }
                }
            }
            gradient.divi(divisor);
        }
        return perImage;
    }

    /** The per-image divisor: all pixels of an image, or (averaging over labelled pixels) labelled / N. */
    private double divisor(long labelled) {
        if (lossConf().isAverageOverLabelled()) {
            return Math.max(labelled, 1L) / (double) input.size(0);
        }
        return (double) input.size(2) * input.size(3);
    }

    private double[] perImageLoss() {
        if (cachedPerImage != null && cachedInput == input && cachedLabels == labels) {
            return cachedPerImage;
        }
        return lossAndGradient(null);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double total = 0;
        for (double v : perImageLoss()) {
            total += v;
        }
        cachedPerImage = null;
        cachedInput = null;
        cachedLabels = null;
        this.score = total / input.size(0) + fullNetRegTerm;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        double[] perImage = perImageLoss();
        INDArray out = Nd4j.createFromArray(perImage).castTo(input.dataType()).reshape(input.size(0), 1)
                .addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        // d/dlogits of the per-image sums; DL4J's updater then divides by the batch size.
        INDArray grad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
        cachedPerImage = lossAndGradient(grad);
        cachedInput = input;
        cachedLabels = labels;
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
