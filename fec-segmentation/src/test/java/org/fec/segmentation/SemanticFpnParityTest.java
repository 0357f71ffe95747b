package org.fec.segmentation;

import static org.fec.segmentation.InterpolationParityTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.io.Npy;
import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.torch.TorchCheckpoint;
import org.fec.zoo.torch.TorchTensor;
import org.fec.zoo.weights.LoadReport;
import org.fec.zoo.weights.StateDictMapping;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Semantic FPN neck and head in float64 against mmseg 0.24 (golden {@code seg_det/seg}): neck outputs, 1/4
 * logits, final logits for three image sizes, and the loss gradients with respect to the inputs and the parameters.
 */
class SemanticFpnParityTest {

    static final long[] CHANNELS = {32, 64, 196, 320};

    /** A graph of the head alone on four feature inputs {@code in0..in3} and an image-size reference input. */
    static ComputationGraph headGraph(long[][] sizes, long[] image, SegmentationLoss loss) throws IOException {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder()
                .addInputs("in0", "in1", "in2", "in3", "image");
        InputType[] types = new InputType[5];
        for (int i = 0; i < 4; i++) {
            types[i] = InputType.convolutional(sizes[i][0], sizes[i][1], CHANNELS[i]);
        }
        types[4] = InputType.convolutional(image[0], image[1], 3);
        g.setInputTypes(types);
        SemanticFpn.addTo(g, List.of("in0", "in1", "in2", "in3"), CHANNELS, 150, "image",
                SemanticFpn.NormMode.FROZEN, 0.0, loss); // the golden run is in eval mode: no dropout
        g.setOutputs(SemanticFpn.LOSS);
        ComputationGraph graph = new KeepEpsilons(g.build());
        graph.init();
        Map<String, INDArray> sd = new LinkedHashMap<>();
        for (Map.Entry<String, TorchTensor> e : TorchCheckpoint.read(GoldenFiles.file("seg_det", "seg",
                "state_dict.pth")).stateDict().entrySet()) {
            sd.put(e.getKey(), e.getValue().toINDArray(DataType.DOUBLE));
        }
        LoadReport report = SegStateDict.load(graph, sd, "state_dict.pth", true);
        assertEquals(53, report.loaded().size(), report.toString()); // 60 keys minus 7 num_batches_tracked
        return graph;
    }

    static INDArray read(Path dir, String name) throws IOException {
        return Npy.read(dir.resolve(name)).castTo(DataType.DOUBLE);
    }

    static INDArray[] inputs(Path dir, long[] image) throws IOException {
        INDArray[] in = new INDArray[5];
        for (int i = 0; i < 4; i++) {
            in[i] = read(dir, "in_" + i + ".npy");
        }
        in[4] = Nd4j.zeros(DataType.DOUBLE, 1, 3, image[0], image[1]);
        return in;
    }

    static long[][] sizes(INDArray[] in) {
        long[][] s = new long[4][];
        for (int i = 0; i < 4; i++) {
            s[i] = new long[]{in[i].size(2), in[i].size(3)};
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"s256", "s256x320", "s100x132"})
    void forwardMatchesMmseg(String name) throws IOException {
        Path dir = GoldenFiles.file("seg_det", "seg", name);
        long[] image = name.equals("s256") ? new long[]{256, 256} : name.equals("s256x320")
                ? new long[]{256, 320} : new long[]{100, 132};
        INDArray[] in = inputs(dir, image);
        ComputationGraph graph = headGraph(sizes(in), image, SegmentationLoss.mmsegDefault());
        Map<String, INDArray> acts = graph.feedForward(in, false);
        INDArray w256 = read(GoldenFiles.file("seg_det", "seg"), "proj_w256.npy");
        INDArray w150 = read(GoldenFiles.file("seg_det", "seg"), "proj_w150.npy");
        for (int i = 0; i < 4; i++) {
            INDArray out = acts.get(SemanticFpn.neckOutput(i));
            String what = name + " neck_out_" + i;
            assertClose(read(dir, "neck_out_" + i + "_ch0-3.npy"), channels(out, 4), 5e-5, what);
            checkReductions(dir, "neck_out_" + i, out, w256, what);
        }
        INDArray quarter = acts.get(SemanticFpn.LOGITS_QUARTER);
        assertClose(read(dir, "logits_q_ch0-7.npy"), channels(quarter, 8), 5e-5, name + " logits_q");
        checkReductions(dir, "logits_q", quarter, w150, name + " logits_q");
        INDArray argmax = Nd4j.argMax(quarter, 1).reshape(quarter.size(2), quarter.size(3));
        assertArrayEquals(Npy.read(dir.resolve("logits_q_argmax.npy")).reshape(-1).toLongVector(),
                argmax.castTo(DataType.LONG).reshape(-1).toLongVector(), name + " argmax");

        INDArray full = acts.get(SemanticFpn.LOGITS);
        assertArrayEquals(new long[]{1, 150, image[0], image[1]}, full.shape());
        long h = image[0], w = image[1];
        assertClose(read(dir, "final_logits_crop_tl_ch0-7.npy"), full.get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, 8), NDArrayIndex.interval(0, 32), NDArrayIndex.interval(0, 32)), 5e-5,
                name + " final top-left");
        assertClose(read(dir, "final_logits_crop_br_ch0-7.npy"), full.get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, 8), NDArrayIndex.interval(h - 32, h), NDArrayIndex.interval(w - 32, w)),
                5e-5, name + " final bottom-right");
        assertSumClose(read(dir, "final_logits_chsum.npy"), full.sum(0, 2, 3), Transforms.abs(full).sum(0, 2, 3),
                name + " final chsum");
    }

    private static INDArray channels(INDArray x, int n) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Per-channel sums and the projection on golden weights, to 1e-5 of the summed magnitudes. */
    private static void checkReductions(Path dir, String prefix, INDArray out, INDArray w, String what)
            throws IOException {
        assertSumClose(read(dir, prefix + "_chsum.npy"), out.sum(0, 2, 3), Transforms.abs(out).sum(0, 2, 3),
                what + " chsum");
        INDArray weighted = out.mul(w.reshape(1, w.length(), 1, 1));
        assertSumClose(read(dir, prefix + "_proj.npy"), weighted.sum(0, 1), Transforms.abs(weighted).sum(0, 1),
                what + " proj");
    }

    private static void assertSumClose(INDArray expected, INDArray actual, INDArray magnitude, String what) {
        INDArray diff = Transforms.abs(expected.reshape(-1).sub(actual.reshape(-1)));
        INDArray bound = magnitude.reshape(-1).mul(1e-5).addi(1e-6);
        INDArray excess = diff.sub(bound);
        assertTrue(excess.maxNumber().doubleValue() <= 0, what + ": worst |difference| exceeds its bound by "
                + excess.maxNumber() + " (max difference " + diff.maxNumber() + ")");
    }

    @Test
    void mmsegLossGradientsMatch() throws IOException {
        checkGradients(SegmentationLoss.mmsegDefault(), "grad_mmseg", "loss_f64", true);
    }

    @Test
    void nonIgnoredAverageGradientsMatch() throws IOException {
        checkGradients(SegmentationLoss.mmsegDefault().averageOverLabelled(true), "grad_nonignore", "loss_f64",
                false);
    }

    private void checkGradients(SegmentationLoss loss, String folder, String lossKey, boolean inputs)
            throws IOException {
        Path dir = GoldenFiles.file("seg_det", "seg", "s100x132");
        long[] image = {100, 132};
        INDArray[] in = inputs(dir, image);
        ComputationGraph graph = headGraph(sizes(in), image, loss);
        graph.setInputs(in);
        graph.setLabels(Npy.read(dir.resolve("label.npy")).castTo(DataType.DOUBLE));
        graph.computeGradientAndScore();
        var meta = new org.nd4j.shade.jackson.databind.ObjectMapper().readTree(
                GoldenFiles.file("seg_det", "meta.json").toFile()).get("seg").get("cases").get("s100x132")
                .get("gradient").get(folder.equals("grad_mmseg") ? "mmseg" : "nonignore");
        assertEquals(meta.get(lossKey).asDouble(), graph.score(), 1e-6, "loss");
        Map<String, INDArray> grads = graph.gradient().gradientForVariable();
        int compared = 0;
        for (StateDictMapping.Entry e : SegStateDict.entries(graph)) {
            for (String suffix : new String[]{"", "__first8"}) {
                Path f = dir.resolve(folder).resolve(e.key() + suffix + ".npy");
                if (!f.toFile().exists()) {
                    continue;
                }
                INDArray expected = read(f.getParent(), f.getFileName().toString());
                INDArray g = grads.get(e.vertex() + "_" + e.param()).reshape(e.array().shape());
                if (!suffix.isEmpty()) {
                    g = g.get(NDArrayIndex.interval(0, 8));
                }
                g = g.reshape(expected.shape());
                double tol = 1e-5 * expected.amaxNumber().doubleValue() + 1e-9;
                assertClose(expected, g, tol, folder + " " + e.key());
                compared++;
            }
        }
        assertEquals(folder.equals("grad_mmseg") ? 11 : 7, compared, "golden gradient files compared");
        if (inputs) {
            for (int i = 0; i < 4; i++) {
                INDArray expected = read(dir, "grad_in_" + i + ".npy");
                INDArray actual = KeepEpsilons.inputGradient(graph, "in" + i);
                assertClose(expected, actual, 1e-5 * expected.amaxNumber().doubleValue() + 1e-9, "grad_in_" + i);
            }
        }
    }

    /** Copies the gradients that reach the input vertices during backprop (DL4J clears them afterwards). */
    static final class KeepEpsilons extends ComputationGraph {
        final Map<String, INDArray> inputGradients = new LinkedHashMap<>();

        KeepEpsilons(ComputationGraphConfiguration conf) {
            super(conf);
        }

        @Override
        protected void calcBackpropGradients(boolean clearLayers, boolean truncatedBPTT, INDArray... epsilons) {
            super.calcBackpropGradients(clearLayers, truncatedBPTT, epsilons);
            for (String name : getConfiguration().getNetworkInputs()) {
                INDArray eps = getVertex(name).getEpsilon();
                inputGradients.put(name, eps == null ? null : eps.detach().dup());
            }
        }

        static INDArray inputGradient(ComputationGraph g, String name) {
            return ((KeepEpsilons) g).inputGradients.get(name);
        }
    }

    private static final class Transforms {
        static INDArray abs(INDArray x) {
            return org.nd4j.linalg.ops.transforms.Transforms.abs(x, true);
        }
    }
}
