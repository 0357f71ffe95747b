package org.fec.zoo.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.datavec.EvalTransform;
import org.fec.zoo.ClusterMaps;
import org.fec.zoo.FecModels;
import org.fec.zoo.Preprocessing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code fec visualize}: the cluster maps of one image: every ClusterPool's assignments composed back to pixels
 * (one map per stage) and the last stage's points grouped by k-means into K colours over the image.
 */
final class Visualize {

    private Visualize() {
    }

    static void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "checkpoint", "image", "output", "num-clusters", "size"),
                Set.of("non-strict"));
        String model = a.required("model");
        Args.model(model);
        List<Path> checkpoints = a.checkpoints();
        Path image = Path.of(a.required("image"));
        String out = a.required("output");
        String base = out.endsWith(".png") ? out.substring(0, out.length() - 4) : out;
        int k = a.integer("num-clusters", 8);
        Preprocessing pre = Preprocessing.of(model);
        int size = a.integer("size", pre.size());
        ComputationGraph g = FecModels.load(model, checkpoints, null, DataType.FLOAT, !a.flag("non-strict")).graph();
        INDArray x = new EvalTransform(size, pre.cropPct(), pre.mean(), pre.std()).apply(image);
        ClusterMaps.Result r = ClusterMaps.compute(g, x, k, 0);
        BufferedImage picture = toImage(x, pre);
        write(blend(picture, r.groups(), 0.5), Path.of(base + "_overlay.png"));
        for (int s = 1; s < 4; s++) {
            write(blend(picture, r.stages()[s], 0.6), Path.of(base + "_stage" + s + ".png"));
        }
        System.out.println("wrote " + base + "_overlay.png (" + k + " k-means groups of the last stage) and "
                + base + "_stage{1,2,3}.png (ClusterPool assignments composed to pixels)");
    }

    private static BufferedImage toImage(INDArray x, Preprocessing pre) {
        int h = (int) x.size(2), w = (int) x.size(3);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    double v = (x.getDouble(0, c, y, xx) * pre.std()[c] + pre.mean()[c]) * 255.0;
                    rgb[c] = (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                img.setRGB(xx, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
            }
        }
        return img;
    }

    /** Distinct colours for ids, spread by the golden angle. */
    static int colour(int id) {
        float hue = (float) ((id * 0.6180339887) % 1.0);
        return Color.HSBtoRGB(hue, 0.75f, 0.95f) & 0xffffff;
    }

    private static BufferedImage blend(BufferedImage picture, int[][] ids, double alpha) {
        int h = ids.length, w = ids[0].length;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = picture.getRGB(x, y), c = colour(ids[y][x]);
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int v = (int) Math.round((1 - alpha) * ((p >> shift) & 255) + alpha * ((c >> shift) & 255));
                    rgb |= v << shift;
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        org.fec.zoo.io.AtomicFiles.writePng(img, file);
    }
}
