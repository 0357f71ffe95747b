package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.torch.TorchCheckpoint;
import org.fec.zoo.torch.TorchTensor;
import org.fec.zoo.weights.LoadReport;
import org.fec.zoo.weights.StateDictMapping;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The full segmentation model against mmseg's key set: the golden FEC-Small backbone (as {@code backbone.*}) plus the
 * golden neck and head load strictly, every parameter exactly once with its value; an FEC checkpoint alone fills
 * the backbone only; a wrong shape is a clear error.
 */
class SegStateDictTest {

    static Map<String, INDArray> read(Path file) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, TorchTensor> e : TorchCheckpoint.read(file).stateDict().entrySet()) {
            out.put(e.getKey(), e.getValue().toINDArray(DataType.FLOAT));
        }
        return out;
    }

    static ComputationGraph model() {
        return SegModels.create(SegModels.backbone("fec_small"), 150, new FecGraphs.Options().inputSize(64, 64));
    }

    @Test
    void mmsegCheckpointLoadsStrictlyIntoTheWholeModel() throws IOException {
        Map<String, INDArray> backbone = read(GoldenFiles.file("fec_small_backbone", "fec_small_fork.pth"));
        Map<String, INDArray> head = read(GoldenFiles.file("seg_det", "seg", "state_dict.pth"));
        Map<String, INDArray> mmseg = new LinkedHashMap<>();
        backbone.forEach((k, v) -> mmseg.put("backbone." + k, v));
        mmseg.putAll(head);
        ComputationGraph g = model();
        LoadReport r = SegStateDict.load(g, mmseg, "mmseg", true);
        assertTrue(r.isComplete(), r.toString());
        assertEquals(SegStateDict.entries(g).size(), r.loaded().size());
        for (StateDictMapping.Entry e : SegStateDict.entries(g)) {
            INDArray expected = mmseg.get(e.key());
            assertTrue(expected.reshape(e.array().shape()).equals(e.array()) || e.key().startsWith("backbone."),
                    e.key());
        }
        INDArray lateral = g.getParam("neck_lateral_convs_0_conv_weight");
        assertTrue(lateral.equals(head.get("neck.lateral_convs.0.conv.weight")), "lateral conv copied");
        assertTrue(g.getParam("decode_head_scale_heads_3_4_bn_var").reshape(128)
                .equals(head.get("decode_head.scale_heads.3.4.bn.running_var")), "running var copied");
    }

    @Test
    void fecCheckpointFillsTheBackboneOnly() throws IOException {
        ComputationGraph g = model();
        LoadReport r = SegStateDict.load(g, read(GoldenFiles.file("fec_small_backbone", "fec_small_fork.pth")),
                "fec_small_fork.pth", true);
        assertTrue(r.unexpected().isEmpty() && r.mismatched().isEmpty(), r.toString());
        assertTrue(r.missing().stream().allMatch(k -> k.startsWith("neck.") || k.startsWith("decode_head.")),
                r.missing().toString());
        assertTrue(r.loaded().stream().allMatch(k -> k.startsWith("backbone.")));
    }

    @Test
    void wrongShapeIsAClearErrorAndChangesNothing() throws IOException {
        Map<String, INDArray> head = read(GoldenFiles.file("seg_det", "seg", "state_dict.pth"));
        head.put("decode_head.conv_seg.weight", org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 19, 128, 1, 1));
        ComputationGraph g = model();
        INDArray before = g.params().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegStateDict.load(g, head, "bad.pth", true));
        assertTrue(e.getMessage().contains("decode_head.conv_seg.weight") && e.getMessage().contains("bad.pth"),
                e.getMessage());
        assertEquals(before, g.params());
        assertTrue(List.of(e.getMessage()).get(0).contains("[19, 128, 1, 1]"), e.getMessage());
    }
}
