package org.fec.zoo.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The real FEC checkpoints in shared/golden, checked against keys.txt and known facts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenCheckpointTest {
    private static final String CLASSIFIER = "fec_small_classifier/fec_small.pth.tar";
    private static final String BACKBONE = "fec_small_backbone/fec_small_fork.pth";

    private TorchCheckpoint classifier;
    private TorchCheckpoint backbone;

    @BeforeAll
    void readBoth() throws IOException {
        classifier = TorchCheckpoint.read(GoldenFiles.file(CLASSIFIER));
        backbone = TorchCheckpoint.read(GoldenFiles.file(BACKBONE));
    }

    /** keys.txt: sections "## folder/file  (...)" of "key\t[d0, d1]\tfloat32" lines. */
    private static Map<String, long[]> expectedKeys(String section) throws IOException {
        Map<String, long[]> out = new LinkedHashMap<>();
        boolean in = false;
        for (String line : Files.readAllLines(GoldenFiles.file("keys.txt"))) {
            if (line.startsWith("## ")) {
                in = line.substring(3).startsWith(section + " ");
                continue;
            }
            if (!in || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            assertEquals(3, cols.length, "keys.txt line: " + line);
            assertEquals("float32", cols[2], "keys.txt line: " + line);
            String dims = cols[1].replaceAll("[\\[\\] ]", "");
            long[] shape = dims.isEmpty() ? new long[0]
                    : java.util.Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
            out.put(cols[0], shape);
        }
        assertTrue(!out.isEmpty(), "no section " + section + " in keys.txt");
        return out;
    }

    private static void assertMatchesKeysTxt(TorchCheckpoint ck, String section, int count, long params)
            throws IOException {
        Map<String, long[]> expected = expectedKeys(section);
        assertEquals(count, expected.size());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(ck.stateDict().keySet()));
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TorchTensor t = ck.stateDict().get(e.getKey());
            assertArrayEquals(e.getValue(), t.shape(), e.getKey());
            assertEquals(TorchDType.FLOAT32, t.dtype(), e.getKey());
        }
        assertEquals(params, ck.parameterCount());
    }

    @Test
    void classifierKeysShapesAndCount() throws IOException {
        assertMatchesKeysTxt(classifier, CLASSIFIER, 282, 5727528L);
        assertEquals(Optional.of("state_dict"), classifier.weightsKey());
    }

    @Test
    void backboneKeysShapesAndCount() throws IOException {
        assertMatchesKeysTxt(backbone, BACKBONE, 286, 5407112L);
        assertEquals(Optional.empty(), backbone.weightsKey());
        assertTrue(backbone.metadata().isEmpty());
    }

    @Test
    void classifierMetadata() {
        Map<String, Object> m = classifier.metadata();
        assertEquals(List.of("epoch", "arch", "version", "args", "metric"), new ArrayList<>(m.keySet()));
        assertEquals(299, ((Number) m.get("epoch")).intValue());
        assertEquals(72.5, ((Number) m.get("metric")).doubleValue());
        assertEquals("fec_small", m.get("arch"));
        assertEquals(2, ((Number) m.get("version")).intValue());
        Map<?, ?> args = (Map<?, ?>) m.get("args");
        assertEquals("fec_small", args.get("model"));
        assertEquals(0.001, args.get("lr"));
        assertEquals("adamw", args.get("opt"));
        assertEquals(300, ((Number) args.get("epochs")).intValue());
        assertEquals(1000, ((Number) args.get("num_classes")).intValue());
        assertEquals(42, ((Number) args.get("seed")).intValue());
    }

    @Test
    void firstTensorMatchesRawStorageBytes() {
        // values read from the zip entry data/0 with numpy.frombuffer(dtype='<f4')
        for (TorchCheckpoint ck : List.of(classifier, backbone)) {
            float[] w = ck.tensor("patch_embed.proj.weight").toFloatArray();
            assertEquals(2560, w.length);
            assertEquals(-0.000837051949929446f, w[0]);
            assertEquals(0.05997621640563011f, w[1]);
            assertEquals(-0.09201924502849579f, w[2]);
            assertEquals(-0.0822804868221283f, w[3]);
            double sum = 0;
            for (float x : w) {
                sum += x;
            }
            assertEquals(-1.8542656661920773, sum, 1e-9);
            INDArray a = ck.tensor("patch_embed.proj.weight").toINDArray(DataType.FLOAT);
            assertArrayEquals(new long[] {32, 5, 4, 4}, a.shape());
            assertEquals(0.05997621640563011f, a.getFloat(0, 0, 0, 1));
            assertEquals(w[80 + 16 + 4 + 1], a.getFloat(1, 1, 1, 1));
        }
    }

    @Test
    void valuesArePlausible() {
        for (TorchCheckpoint ck : List.of(classifier, backbone)) {
            for (TorchTensor t : ck.stateDict().values()) {
                for (float x : t.toFloatArray()) {
                    assertTrue(Float.isFinite(x), t.name());
                    assertTrue(Math.abs(x) < 10, t.name());
                }
            }
            for (float g : ck.tensor("network.0.0.norm1.weight").toFloatArray()) {
                assertTrue(g >= 0.5f && g <= 1.5f, "GroupNorm weight " + g);
            }
            float alpha = ck.tensor("network.0.0.token_mixer.sim_alpha").toFloatArray()[0];
            assertTrue(alpha >= 0.5f && alpha <= 2f, "sim_alpha " + alpha);
        }
    }

    @Test
    void splitReadOfBothGoldenFilesReportsTheFirstSharedKey() {
        Path a = GoldenFiles.file(CLASSIFIER);
        Path b = GoldenFiles.file(BACKBONE);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(List.of(a, b)));
        assertTrue(e.getMessage().contains("'patch_embed.proj.weight'") && e.getMessage().contains(a.toString())
                && e.getMessage().contains(b.toString()), e.getMessage());
    }
}
