package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.cli.FecCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterMapsTest {

    @Test
    void stageMapsRefineEachOtherAndGroupsAreKMeans() {
        ComputationGraph cls = FecSmall.builder().inputShape(new int[]{3, 128, 96}).build().init();
        ComputationGraph folded = FecSmallDet.builder().inputShape(new int[]{3, 128, 96}).build().init();
        for (ComputationGraph model : new ComputationGraph[]{cls, folded}) {
            Nd4j.getRandom().setSeed(3);
            ClusterMaps.Result r = ClusterMaps.compute(model, Nd4j.randn(DataType.FLOAT, 1, 3, 128, 96), 5, 0);
            for (int s = 1; s < 4; s++) {
                // every point of stage s-1 lies in exactly one cluster of stage s
                Map<Integer, Integer> parent = new HashMap<>();
                Set<Integer> ids = new HashSet<>();
                for (int y = 0; y < 128; y++) {
                    for (int x = 0; x < 96; x++) {
                        Integer before = parent.put(r.stages()[s - 1][y][x], r.stages()[s][y][x]);
                        assertTrue(before == null || before == r.stages()[s][y][x], "stage " + s + " at " + y + "," + x);
                        ids.add(r.stages()[s][y][x]);
                    }
                }
                int grid = (128 >> (s + 2)) * (96 >> (s + 2));
                assertTrue(ids.size() <= grid && ids.stream().allMatch(i -> i >= 0 && i < grid), "stage " + s);
            }
            Set<Integer> groups = new HashSet<>();
            for (int[] row : r.groups()) {
                for (int v : row) {
                    groups.add(v);
                }
            }
            assertTrue(groups.size() <= 5 && groups.size() >= 2, groups.toString());
        }
    }

    @Test
    void visualizeCommandWritesTheMaps(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                img.setRGB(x, y, x < 60 ? 0x2040a0 : 0xe0c030);
            }
        }
        Path image = dir.resolve("img.png");
        ImageIO.write(img, "png", image.toFile());
        ComputationGraph model = FecSmall.builder().inputShape(new int[]{3, 64, 64}).build().init();
        Path zip = dir.resolve("m.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(model, zip.toFile(), false);
        assertEquals(0, FecCli.run(new String[]{"visualize", "--model", "fec_small", "--checkpoint", zip.toString(),
                "--image", image.toString(), "--output", dir.resolve("out/vis").toString(), "--size", "64",
                "--num-clusters", "3"}));
        for (String f : new String[]{"vis_overlay.png", "vis_stage1.png", "vis_stage2.png", "vis_stage3.png"}) {
            BufferedImage written = ImageIO.read(dir.resolve("out").resolve(f).toFile());
            assertEquals(64, written.getWidth(), f);
            assertEquals(64, written.getHeight(), f);
        }
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(4, files.count());
        }
    }
}
