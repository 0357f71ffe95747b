package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.cli.FecCli;
import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.weights.LoadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportAndFineTuneTest {

    @Test
    void importedZipEqualsThePthPathBitForBit(@TempDir Path dir) throws Exception {
        Path ckpt = GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar");
        Path zip = dir.resolve("fec_small.zip");
        assertEquals(0, FecCli.run(new String[]{"import", "--model", "fec_small", "--checkpoint", ckpt.toString(),
                "--output", zip.toString()}));
        Map<String, String> meta = FecImport.metadata(zip);
        assertEquals("fec_small", meta.get("model"));
        assertEquals("0.9", meta.get("crop_pct"));
        assertEquals("bicubic", meta.get("interpolation"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224);
        ComputationGraph fromPth = FecModels.load("fec_small", List.of(ckpt), null, DataType.FLOAT, true).graph();
        ComputationGraph fromZip = FecModels.load("fec_small", List.of(zip), null, DataType.FLOAT, true).graph();
        assertEquals(fromPth.feedForward(x, false).get("head"), fromZip.feedForward(x, false).get("head"));
    }

    @Test
    void classifierCheckpointLoadsIntoABackbone() throws Exception {
        Path ckpt = GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar");
        FecModels.Loaded seg = FecModels.load("fec_small_seg", List.of(ckpt), null, DataType.FLOAT, true);
        LoadReport r = seg.report();
        assertEquals(List.of("norm.weight", "norm.bias", "head.weight", "head.bias"), r.unexpected());
        assertEquals(8, r.missing().size());
        assertTrue(r.missing().stream().allMatch(k -> k.matches("norm[0246]\\.(weight|bias)")), r.toString());
        ComputationGraph cls = FecModels.load("fec_small", List.of(ckpt), null, DataType.FLOAT, true).graph();
        assertEquals(cls.getParam("network_4_2_fc1Weight"), seg.graph().getParam("network_4_2_fc1Weight"));
    }

    @Test
    void frozenBackboneFineTunesATinyTwoClassProblem() {
        ComputationGraph base = FecSmall.builder().inputShape(new int[]{3, 64, 64}).seed(3).build().init();
        ComputationGraph tuned = FecFineTune.newHead(base, 2, true, new Adam(1e-2));
        INDArray backboneBefore = tuned.getParam("network_2_1_fc1Weight").dup();
        // Class 0: bright top half, class 1: bright bottom half, plus noise.
        Nd4j.getRandom().setSeed(5);
        int n = 16;
        INDArray x = Nd4j.randn(DataType.FLOAT, n, 3, 64, 64).muli(0.3);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            y.putScalar(i, label, 1.0);
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(label * 32, label * 32 + 32),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).addi(1.5);
        }
        DataSet data = new DataSet(x, y);
        double accuracy = 0;
        for (int step = 0; step < 60 && accuracy < 1.0; step++) {
            tuned.fit(data);
            INDArray predicted = tuned.outputSingle(x).argMax(1);
            accuracy = predicted.eq(y.argMax(1)).castTo(DataType.FLOAT).meanNumber().doubleValue();
        }
        assertEquals(1.0, accuracy, 0.0);
        assertEquals(backboneBefore, tuned.getParam("network_2_1_fc1Weight"), "frozen backbone must not change");
        assertEquals(2, tuned.getLayer("head").getParam("W").size(1));
    }
}
