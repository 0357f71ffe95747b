package org.fec.zoo.parity;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.layers.FecLayerRuntime;
import org.fec.layers.FecOps;
import org.fec.zoo.FecModels;
import org.fec.zoo.io.Npy;
import org.fec.zoo.testutil.GoldenFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loads the golden checkpoints through the PyTorch reader and compares activations with the golden tensors. */
final class GoldenModels {

    static final String CLASSIFIER = "fec_small_classifier";
    static final String BACKBONE = "fec_small_backbone";

    private GoldenModels() {
    }

    static ComputationGraph classifier(DataType dataType) throws IOException {
        Path ckpt = GoldenFiles.file(CLASSIFIER, "fec_small.pth.tar");
        return FecModels.load("fec_small", List.of(ckpt), null, dataType, true).graph();
    }

    static ComputationGraph backbone(DataType dataType) throws IOException {
        Path ckpt = GoldenFiles.file(BACKBONE, "fec_small_fork.pth");
        return FecModels.load("fec_small_seg", List.of(ckpt), null, dataType, true).graph();
    }

    static INDArray npy(String folder, String file) throws IOException {
        return Npy.read(GoldenFiles.file(folder, file));
    }

    /** All activations of one inference pass. */
    static Map<String, INDArray> activations(ComputationGraph g, INDArray input) {
        return g.feedForward(new INDArray[]{input.castTo(g.params().dataType())}, false, false);
    }

    /** An internal channels-last activation [B, H, W, C] as NCHW, to compare with the reference. */
    static INDArray nchw(INDArray a) {
        return a.rank() == 4 ? a.permute(0, 3, 1, 2) : a;
    }

    static double maxAbsDiff(INDArray actual, INDArray expected) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        return Nd4j.math().abs(actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)))
                .maxNumber().doubleValue();
    }

    static void assertClose(String what, INDArray actual, INDArray expected, double tolerance) {
        double d = maxAbsDiff(actual, expected);
        assertTrue(d <= tolerance, what + ": max |diff| " + d + " > " + tolerance);
    }

    /** Hard assignments [maps, N] of the first clustering op of {@code vertex} for input {@code layerInput}. */
    static INDArray assignments(ComputationGraph g, String vertex, INDArray layerInput) {
        FecLayerRuntime layer = (FecLayerRuntime) g.getLayer(vertex);
        return layer.probe(layerInput, FecOps.ASSIGNMENT);
    }

    static INDArray image(INDArray batch, int i) {
        return batch.get(NDArrayIndex.interval(i, i + 1)).dup();
    }
}
