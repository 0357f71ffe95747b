package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fec.layers.Interpolation;
import org.fec.zoo.io.Npy;
import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Bilinear and nearest resize, forward and backward, against PyTorch's (golden {@code seg_det/resize}). */
class InterpolationParityTest {

    static JsonNode resizeMeta() throws IOException {
        return new ObjectMapper().readTree(GoldenFiles.file("seg_det", "meta.json").toFile()).get("resize");
    }

    static Stream<String> bilinearCases() throws IOException {
        List<String> names = new ArrayList<>();
        resizeMeta().get("bilinear").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    static Stream<String> nearestCases() throws IOException {
        List<String> names = new ArrayList<>();
        resizeMeta().get("nearest").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("bilinearCases")
    void bilinearMatchesPyTorch(String name) throws IOException {
        checkCase("bilinear", name);
    }

    @ParameterizedTest
    @MethodSource("nearestCases")
    void nearestMatchesPyTorch(String name) throws IOException {
        Path dir = GoldenFiles.file("seg_det", "resize", "nearest", name);
        checkCase("nearest", name);
        INDArray x = Npy.read(dir.resolve("x.npy"));
        INDArray y = Npy.read(dir.resolve("y.npy"));
        int[] srcH = Npy.read(dir.resolve("src_index_h.npy")).toIntVector();
        int[] srcW = Npy.read(dir.resolve("src_index_w.npy")).toIntVector();
        JsonNode kwargs = resizeMeta().get("nearest").get(name).get("kwargs");
        if (kwargs.has("size")) {
            assertArrayEquals(srcH, Interpolation.nearestSources((int) x.size(2), (int) y.size(2)));
            assertArrayEquals(srcW, Interpolation.nearestSources((int) x.size(3), (int) y.size(3)));
        } else {
            double sf = kwargs.get("scale_factor").asDouble();
            assertArrayEquals(srcH, Interpolation.nearestSourcesForScaleFactor((int) x.size(2), sf));
            assertArrayEquals(srcW, Interpolation.nearestSourcesForScaleFactor((int) x.size(3), sf));
        }
    }

    private void checkCase(String mode, String name) throws IOException {
        Path dir = GoldenFiles.file("seg_det", "resize", mode, name);
        JsonNode kwargs = resizeMeta().get(mode).get(name).get("kwargs");
        INDArray x = Npy.read(dir.resolve("x.npy")).castTo(DataType.DOUBLE);
        INDArray y = Npy.read(dir.resolve("y.npy")).castTo(DataType.DOUBLE);
        INDArray gradY = Npy.read(dir.resolve("grad_y.npy")).castTo(DataType.DOUBLE);
        INDArray gradX = Npy.read(dir.resolve("grad_x.npy")).castTo(DataType.DOUBLE);
        int h = (int) x.size(2), w = (int) x.size(3);
        double[][] ah;
        double[][] aw;
        if (kwargs.has("size")) {
            int outH = kwargs.get("size").get(0).asInt(), outW = kwargs.get("size").get(1).asInt();
            ah = mode.equals("bilinear") ? Interpolation.bilinearWeights(h, outH) : Interpolation.nearestWeights(h, outH);
            aw = mode.equals("bilinear") ? Interpolation.bilinearWeights(w, outW) : Interpolation.nearestWeights(w, outW);
        } else {
            double sf = kwargs.get("scale_factor").asDouble();
            ah = mode.equals("bilinear") ? Interpolation.bilinearWeightsForScaleFactor(h, sf)
                    : Interpolation.selection(h, Interpolation.nearestSourcesForScaleFactor(h, sf));
            aw = mode.equals("bilinear") ? Interpolation.bilinearWeightsForScaleFactor(w, sf)
                    : Interpolation.selection(w, Interpolation.nearestSourcesForScaleFactor(w, sf));
        }
        INDArray mh = Interpolation.matrix(ah, DataType.DOUBLE);
        INDArray mw = Interpolation.matrix(aw, DataType.DOUBLE);
        INDArray out = Interpolation.apply(x, mh, mw);
        assertArrayEquals(y.shape(), out.shape(), name + " output shape");
        assertClose(y, out, 5e-5, name + " forward");
        assertClose(gradX, Interpolation.applyBackward(gradY, mh, mw), 5e-5, name + " backward");
    }

    @Test
    void bilinearWeightsAreTorchsFloat32Weights() throws IOException {
        Path dir = GoldenFiles.file("seg_det", "resize", "bilinear_matrix");
        int checked = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String[] parts = f.getFileName().toString().replace(".npy", "").split("_");
                int in = Integer.parseInt(parts[1]), out = Integer.parseInt(parts[3]);
                float[] torch = Npy.read(f).castTo(DataType.FLOAT).reshape(-1).toFloatVector();
                double[][] ours = Interpolation.bilinearWeights(in, out);
                for (int i = 0; i < out; i++) {
                    for (int j = 0; j < in; j++) {
                        assertEquals(torch[i * in + j], (float) ours[i][j], 0.0f, f.getFileName() + " [" + i + "," + j + "]");
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 10, "expected the golden matrices, found " + checked);
    }

    static void assertClose(INDArray expected, INDArray actual, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= atol, what + ": max |difference| " + diff + " > " + atol);
    }
}
