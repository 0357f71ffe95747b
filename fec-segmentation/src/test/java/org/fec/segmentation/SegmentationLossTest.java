package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link SegmentationLoss} against a direct per-pixel computation. */
class SegmentationLossTest {

    static ComputationGraph lossOnly(SegmentationLoss loss, long c, long h, long w) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(h, w, c))
                .addLayer("loss", loss, "in").setOutputs("loss").build();
        ComputationGraph g = new SemanticFpnParityTest.KeepEpsilons(conf);
        g.init();
        return g;
    }

    /** Loss and d loss / d logits, pixel by pixel (mean over all pixels, or over labelled ones). */
    static double[] reference(INDArray logits, INDArray labels, boolean overLabelled, INDArray gradOut) {
        long n = logits.size(0), c = logits.size(1), h = logits.size(2), w = logits.size(3);
        double sum = 0;
        long labelled = 0;
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int label = labels.getInt(b, 0, y, x);
                    if (label == 255) {
                        continue;
                    }
                    labelled++;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < c; k++) {
                        max = Math.max(max, logits.getDouble(b, k, y, x));
                    }
                    double z = 0;
                    for (int k = 0; k < c; k++) {
                        z += Math.exp(logits.getDouble(b, k, y, x) - max);
                    }
                    sum -= logits.getDouble(b, label, y, x) - max - Math.log(z);
                    for (int k = 0; k < c; k++) {
                        double p = Math.exp(logits.getDouble(b, k, y, x) - max) / z;
                        gradOut.putScalar(new long[]{b, k, y, x}, p - (k == label ? 1 : 0));
                    }
                }
            }
        }
        double denom = overLabelled ? labelled : n * h * w;
        gradOut.divi(denom);
        return new double[]{sum / denom};
    }

    private void check(boolean overLabelled) {
        Nd4j.getRandom().setSeed(7);
        long n = 2, c = 5, h = 3, w = 4;
        INDArray logits = Nd4j.randn(DataType.DOUBLE, n, c, h, w).muli(3);
        INDArray labels = Nd4j.create(DataType.DOUBLE, n, 1, h, w);
        for (int i = 0; i < labels.length(); i++) {
            labels.putScalar(i, i % 7 == 3 ? 255 : (i * 3) % c);
        }
        ComputationGraph g = lossOnly(SegmentationLoss.mmsegDefault().averageOverLabelled(overLabelled), c, h, w);
        g.setInputs(logits);
        g.setLabels(labels);
        g.computeGradientAndScore();
        INDArray expectedGrad = Nd4j.zeros(DataType.DOUBLE, n, c, h, w);
        double expected = reference(logits, labels, overLabelled, expectedGrad)[0];
        assertEquals(expected, g.score(), 1e-12, "loss");
        // DL4J's updater divides the output layer's gradient by the batch size afterwards.
        INDArray grad = SemanticFpnParityTest.KeepEpsilons.inputGradient(g, "in").div(n);
        assertTrue(grad.equalsWithEps(expectedGrad, 1e-12), "gradient\n" + grad + "\nvs\n" + expectedGrad);
        assertEquals(logits, g.outputSingle(logits), "output is the logits");
    }

    @Test
    void meanOverAllPixels() {
        check(false);
    }

    @Test
    void meanOverLabelledPixels() {
        check(true);
    }

    @Test
    void labelOutsideTheClassesIsAClearError() {
        ComputationGraph g = lossOnly(SegmentationLoss.mmsegDefault(), 3, 2, 2);
        g.setInputs(Nd4j.zeros(DataType.DOUBLE, 1, 3, 2, 2));
        g.setLabels(Nd4j.createFromArray(new double[]{0, 1, 7, 255}).reshape(1, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::computeGradientAndScore);
        assertTrue(e.getMessage().contains("label value 7"), e.getMessage());
    }
}
