package org.fec.zoo.parity;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Map;

import static org.fec.zoo.parity.GoldenModels.BACKBONE;
import static org.fec.zoo.parity.GoldenModels.assertClose;
import static org.fec.zoo.parity.GoldenModels.nchw;
import static org.fec.zoo.parity.GoldenModels.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * fec_small dense-prediction backbone (fec_small_seg: 10x10 / 5x5 proposals) in float64 against the reference,
 * for the 160x160 input and the non-square 224x288 input (uneven, overlapping pooling bins), with one graph.
 */
class BackboneParityTest {

    static ComputationGraph f64;

    @BeforeAll
    static void load() throws IOException {
        f64 = GoldenModels.backbone(DataType.DOUBLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nonsquare_"})
    void fourOutputsStagesAndAssignmentsMatchTheFloat64Reference(String prefix) throws IOException {
        Map<String, INDArray> acts = GoldenModels.activations(f64, npy(BACKBONE, prefix + "input.npy"));
        for (String out : new String[]{"norm0", "norm2", "norm4", "norm6"}) {
            assertClose(prefix + out, acts.get(out), npy(BACKBONE, prefix + "out_" + out + "_f64ref.npy"), 1e-4);
        }
        assertClose(prefix + "patch_embed", nchw(acts.get("patch_embed")),
                npy(BACKBONE, prefix + "patch_embed_f64ref.npy"), 1e-4);
        String[] stageVertices = {"network_0_2", "network_1", "network_2_3", "network_3", "network_4_4", "network_5",
                "network_6_1"};
        for (int i = 0; i < stageVertices.length; i++) {
            assertClose(prefix + "network_" + i, nchw(acts.get(stageVertices[i])),
                    npy(BACKBONE, prefix + "network_" + i + "_f64ref.npy"), 1e-4);
        }
        assertEquals(npy(BACKBONE, prefix + "assign_network0.0.token_mixer_img0.npy"),
                GoldenModels.assignments(f64, "network_0_0", acts.get("patch_embed")).castTo(DataType.LONG));
        INDArray pool = GoldenModels.assignments(f64, "network_1", acts.get("network_0_2")).castTo(DataType.LONG);
        INDArray expected = npy(BACKBONE, prefix + "assign_network1_img0.npy");
        assertEquals(expected, pool.reshape(expected.shape()));
    }
}
