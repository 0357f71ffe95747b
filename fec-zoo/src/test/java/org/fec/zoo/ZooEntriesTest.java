package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.PretrainedType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZooEntriesTest {

    @Test
    void builderInitLikeDl4jZooModels() {
        FecSmall zoo = FecSmall.builder().numClasses(10).inputShape(new int[]{3, 64, 64}).seed(7).build();
        assertEquals("fec_small", zoo.modelName());
        assertEquals(ComputationGraph.class, zoo.modelType());
        ComputationGraph g = zoo.init();
        INDArray probs = g.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64));
        assertArrayEquals(new long[]{2, 10}, probs.shape());
        assertEquals(1.0, probs.getRow(0).sumNumber().doubleValue(), 1e-5);
        assertEquals("fec_large_det", FecLargeDet.builder().build().modelName());
        String msg = assertThrows(UnsupportedOperationException.class,
                () -> zoo.initPretrained(PretrainedType.IMAGENET)).getMessage();
        assertTrue(msg.contains("fec import --model fec_small"), msg);
        assertThrows(IllegalArgumentException.class, () -> FecSmall.builder().inputShape(new int[]{3, 100, 64}).build());
    }

    @Test
    void everyEntryBuildsAtItsDefaultSize() {
        for (String name : FecConfig.NAMES) {
            FecZooModel zoo = FecZooModel.builder(name).build();
            int size = FecRegistry.defaultInputSize(zoo.config());
            assertArrayEquals(new int[][]{{3, size, size}}, zoo.metaData().getInputShape());
            ComputationGraph g = zoo.init();
            assertEquals(FecRegistry.entry(name).parameters(), g.numParams(), name);
        }
        assertArrayEquals(new int[][]{{3, 512, 512}}, FecBaseSeg.builder().build().metaData().getInputShape());
    }

    @Test
    void registryListsEveryEntryWithExactParameterCounts() {
        List<FecRegistry.Entry> entries = FecRegistry.list();
        assertEquals(FecConfig.NAMES.size(), entries.size());
        for (FecRegistry.Entry e : entries) {
            ComputationGraph g = FecGraphs.create(e.config(), new FecGraphs.Options());
            assertEquals(g.numParams(), e.parameters(), e.config().name());
            assertEquals(0.9, e.preprocessing().cropPct(), 0.0);
        }
        // FEC-Small: 5.7M parameters and about 1.4 G multiply-adds at 224x224, as the paper reports.
        assertEquals(1.38, FecRegistry.entry("fec_small").gmacs(), 0.01);
        // The paper's Tables 1-3: every entry has its figures, one per task.
        assertEquals(List.of(new PaperResults.Metric("ImageNet-1k top-1", 72.7)),
                FecRegistry.entry("fec_small").paperResults());
        assertEquals(81.2, FecRegistry.entry("fec_large").paperResults().get(0).percent(), 0.0);
        assertEquals(List.of(new PaperResults.Metric("ADE20K mIoU", 37.7)),
                FecRegistry.entry("fec_base_seg").paperResults());
        assertEquals(List.of(new PaperResults.Metric("COCO AP box", 39.9), new PaperResults.Metric("AP mask", 37.3)),
                FecRegistry.entry("fec_large_det").paperResults());
    }

    @Test
    void featuresHaveStridesAndChannels() {
        ComputationGraph backbone = FecSmallSeg.builder().inputShape(new int[]{3, 64, 96}).build().init();
        List<FecFeatures.StageFeature> f = FecFeatures.extract(backbone, Nd4j.rand(DataType.FLOAT, 1, 3, 64, 96));
        int[] strides = {4, 8, 16, 32};
        long[] channels = {32, 64, 196, 320};
        for (int s = 0; s < 4; s++) {
            assertEquals(strides[s], f.get(s).stride());
            assertEquals(channels[s], f.get(s).channels());
            assertArrayEquals(new long[]{1, channels[s], 64 / strides[s], 96 / strides[s]}, f.get(s).map().shape());
        }
    }
}
