package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.function.Consumer;

/** Top-1, top-5 and cross-entropy loss of a classifier over a data set, overall and top-1 per class. */
public final class Validation {

    /** Running totals. */
    public static final class Metrics {
        private long images;
        private long top1;
        private long top5;
        private double lossSum;
        private long[] classImages = new long[0];
        private long[] classTop1 = new long[0];

        /** Adds a batch of softmax probabilities [B, classes] and one-hot labels [B, classes]. */
        public void add(INDArray probabilities, INDArray oneHot) {
            INDArray p = probabilities.castTo(DataType.DOUBLE);
            INDArray trueProb = p.mul(oneHot.castTo(DataType.DOUBLE)).sum(true, 1);          // [B, 1]
            // rank = number of classes scored strictly higher than the true one
            INDArray rank = p.gt(trueProb.broadcast(p.shape())).castTo(DataType.DOUBLE).sum(1);
            images += p.size(0);
            top1 += rank.lt(1).castTo(DataType.INT32).sumNumber().longValue();
            top5 += rank.lt(5).castTo(DataType.INT32).sumNumber().longValue();
            lossSum += Transforms.log(Transforms.max(trueProb, 1e-12, false), false).sumNumber().doubleValue() * -1;
            int classes = (int) oneHot.size(1);
            if (classImages.length < classes) {
                classImages = java.util.Arrays.copyOf(classImages, classes);
                classTop1 = java.util.Arrays.copyOf(classTop1, classes);
            }
            long[] trueClass = oneHot.argMax(1).toLongVector();
            for (int i = 0; i < trueClass.length; i++) {
                classImages[(int) trueClass[i]]++;
                if (rank.getDouble(i) < 1) {
                    classTop1[(int) trueClass[i]]++;
                }
            }
        }

        /** Images of class {@code c} seen so far. */
        public long classImages(int c) {
            return c < classImages.length ? classImages[c] : 0;
        }

        /** Images of class {@code c} ranked first so far. */
        public long classCorrect(int c) {
            return c < classTop1.length ? classTop1[c] : 0;
        }

        /** Top-1 accuracy on the images of class {@code c} (0 when there were none). */
        public double classTop1(int c) {
            long n = classImages(c);
            return n == 0 ? 0 : (double) classCorrect(c) / n;
        }

        public long images() {
            return images;
        }

        public double top1() {
            return images == 0 ? 0 : (double) top1 / images;
        }

        public double top5() {
            return images == 0 ? 0 : (double) top5 / images;
        }

        public double loss() {
            return images == 0 ? 0 : lossSum / images;
        }

        @Override
        public String toString() {
            return String.format("top1 %.4f  top5 %.4f  loss %.4f  (%d images)", top1(), top5(), loss(), images);
        }
    }

    private Validation() {
    }

    /** Runs {@code model} (inference mode) over {@code data}; {@code progress} sees the totals after each batch. */
    public static Metrics evaluate(ComputationGraph model, DataSetIterator data, Consumer<Metrics> progress) {
        Metrics m = new Metrics();
        data.reset();
        while (data.hasNext()) {
            DataSet ds = data.next();
            m.add(model.outputSingle(false, ds.getFeatures()), ds.getLabels());
            if (progress != null) {
                progress.accept(m);
            }
        }
        return m;
    }

    /** Convenience for tests and scripts: metrics of one batch. */
    public static Metrics of(INDArray probabilities, INDArray oneHot) {
        Metrics m = new Metrics();
        m.add(probabilities, oneHot);
        return m;
    }

    static INDArray oneHot(int[] labels, int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            y.putScalar(i, labels[i], 1.0);
        }
        return y;
    }
}
