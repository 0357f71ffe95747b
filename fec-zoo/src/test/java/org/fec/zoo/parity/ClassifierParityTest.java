package org.fec.zoo.parity;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.fec.zoo.parity.GoldenModels.CLASSIFIER;
import static org.fec.zoo.parity.GoldenModels.assertClose;
import static org.fec.zoo.parity.GoldenModels.nchw;
import static org.fec.zoo.parity.GoldenModels.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * fec_small classifier against the reference: the golden checkpoint read by the pure-Java reader, every stage
 * output and the logits in float64 (vs the *_f64ref tensors), every hard assignment of every clustering layer,
 * and the float32 logits.
 */
class ClassifierParityTest {

    /** Golden tensor name -> vertex whose output it is. */
    static final Map<String, String> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("patch_embed", "patch_embed");
        STAGES.put("network_0", "network_0_2");
        STAGES.put("network_1", "network_1");
        STAGES.put("network_2", "network_2_3");
        STAGES.put("network_3", "network_3");
        STAGES.put("network_4", "network_4_4");
        STAGES.put("network_5", "network_5");
        STAGES.put("network_6", "network_6_1");
        STAGES.put("final_norm", "norm");
        STAGES.put("pooled", "global_pool");
        STAGES.put("logits", "head");
    }

    static ComputationGraph f64;
    static Map<String, INDArray> acts;

    @BeforeAll
    static void runFloat64() throws IOException {
        f64 = GoldenModels.classifier(DataType.DOUBLE);
        acts = GoldenModels.activations(f64, npy(CLASSIFIER, "input.npy"));
    }

    @Test
    void everyStageMatchesTheFloat64Reference() throws IOException {
        for (Map.Entry<String, String> e : STAGES.entrySet()) {
            INDArray expected = npy(CLASSIFIER, e.getKey() + "_f64ref.npy");
            INDArray actual = acts.get(e.getValue());
            // The FEC layers pass channels-last maps; the final norm already outputs NCHW.
            assertClose(e.getKey(), e.getValue().equals("norm") ? actual : nchw(actual), expected, 1e-4);
        }
    }

    @Test
    void everyHardAssignmentMatchesTheReference() throws IOException {
        String previous = "patch_embed";
        int checked = 0;
        for (String vertex : f64.getConfiguration().getTopologicalOrderStr()) {
            if (!vertex.startsWith("network_")) {
                continue;
            }
            String[] parts = vertex.split("_");
            String module = parts.length == 3 ? "network." + parts[1] + "." + parts[2] + ".token_mixer"
                    : "network." + parts[1];
            INDArray expected = npy(CLASSIFIER, "assign/" + module + ".npy");
            INDArray actual = GoldenModels.assignments(f64, vertex, acts.get(previous));
            assertEquals(expected, actual.castTo(DataType.LONG), "assignments of " + module);
            previous = vertex;
            checked++;
        }
        assertEquals(17, checked);
    }

    @Test
    void firstClusterAndClusterPoolAssignmentsOfImage0() throws IOException {
        INDArray img0Stem = GoldenModels.image(acts.get("patch_embed"), 0);
        assertEquals(npy(CLASSIFIER, "assign_network0.0.token_mixer_img0.npy"),
                GoldenModels.assignments(f64, "network_0_0", img0Stem).castTo(DataType.LONG));
        INDArray img0Stage0 = GoldenModels.image(acts.get("network_0_2"), 0);
        assertEquals(npy(CLASSIFIER, "assign_network1_img0.npy"),
                GoldenModels.assignments(f64, "network_1", img0Stage0).castTo(DataType.LONG).reshape(3136));
    }

    @Test
    void float32LogitsMatchTheReference() throws IOException {
        ComputationGraph f32 = GoldenModels.classifier(DataType.FLOAT);
        INDArray logits = GoldenModels.activations(f32, npy(CLASSIFIER, "input.npy")).get("head");
        assertClose("float32 logits", logits, npy(CLASSIFIER, "logits.npy"), 1e-3);
    }
}
