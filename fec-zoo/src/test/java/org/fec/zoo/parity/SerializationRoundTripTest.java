package org.fec.zoo.parity;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fec.zoo.FecModels;
import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.weights.StateDictMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.fec.zoo.parity.GoldenModels.CLASSIFIER;
import static org.fec.zoo.parity.GoldenModels.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model with imported weights survives ModelSerializer (and the state_dict export) bit for bit. */
class SerializationRoundTripTest {

    @Test
    void modelZipRestoresBitIdenticalOutputs(@TempDir Path dir) throws Exception {
        ComputationGraph imported = GoldenModels.classifier(DataType.FLOAT);
        INDArray input = npy(CLASSIFIER, "input.npy");
        INDArray before = imported.feedForward(input, false).get("head");

        File zip = dir.resolve("fec_small.zip").toFile();
        ModelSerializer.writeModel(imported, zip, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
        assertEquals(imported.params(), restored.params());
        assertEquals(before, restored.feedForward(input, false).get("head"));

        // The CLI path: a DL4J zip given as --checkpoint loads the same model.
        ComputationGraph viaLoader = FecModels.load("fec_small", List.of(zip.toPath()), null, DataType.FLOAT, true)
                .graph();
        assertEquals(before, viaLoader.feedForward(input, false).get("head"));
    }

    @Test
    void stateDictExportReproducesTheCheckpoint() throws Exception {
        ComputationGraph imported = GoldenModels.classifier(DataType.FLOAT);
        Map<String, INDArray> exported = StateDictMapping.exportStateDict(imported);
        var ckpt = org.fec.zoo.torch.TorchCheckpoint.read(GoldenFiles.file(CLASSIFIER, "fec_small.pth.tar"));
        assertEquals(ckpt.stateDict().keySet(), exported.keySet());
        for (var e : ckpt.stateDict().entrySet()) {
            INDArray ref = e.getValue().toINDArray(DataType.FLOAT);
            assertTrue(ref.equalShapes(exported.get(e.getKey())), e.getKey());
            assertEquals(ref, exported.get(e.getKey()), e.getKey());
        }
    }
}
