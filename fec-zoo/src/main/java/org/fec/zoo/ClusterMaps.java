package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.layers.FecLayerRuntime;
import org.fec.layers.FecOps;
import org.fec.layers.ClusterPool;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Random;

/**
 * Which cluster every pixel of an image belongs to, stage by stage: the stem's 4x4 patches are the stage-0 points,
 * and every ClusterPool assigns each point to one centre of the next stage; composing the three ClusterPools maps
 * each pixel to a point of every stage. The last stage's features are grouped by k-means, as the reference's
 * cluster visualisation does.
 */
public final class ClusterMaps {

    /** Per-pixel ids: {@code stages[s][y][x]} is the stage-s point of pixel (y, x); {@code groups} the k-means group. */
    public record Result(int height, int width, int[][][] stages, int[][] groups) {
    }

    private ClusterMaps() {
    }

    /** @param image NCHW [1, 3, H, W] as the model expects it (normalised) */
    public static Result compute(ComputationGraph model, INDArray image, int numClusters, long seed) {
        if (image.rank() != 4 || image.size(0) != 1) {
            throw new IllegalArgumentException("Expected one image [1, 3, H, W], got "
                    + java.util.Arrays.toString(image.shape()));
        }
        int h = (int) image.size(2), w = (int) image.size(3);
        Map<String, INDArray> acts = model.feedForward(image, false);
        int[][][] stages = new int[4][h][w];
        int gh = h / 4, gw = w / 4;                       // current stage grid
        int[] pointOfPixel = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pointOfPixel[y * w + x] = (y / 4) * gw + x / 4;
                stages[0][y][x] = pointOfPixel[y * w + x];
            }
        }
        for (int s = 1; s < 4; s++) {
            String pool = FecGraphs.poolName(s);
            String previous = FecGraphs.blockName(s - 1, FecConfigOf.layers(model, s - 1) - 1);
            INDArray assign = ((FecLayerRuntime) model.getLayer(pool)).probe(acts.get(previous), FecOps.ASSIGNMENT);
            ClusterPool conf = (ClusterPool) ((org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer)
                    model.getLayer(pool).conf().getLayer());
            int fr = conf.getFoldRows() > 1 && conf.getFoldCols() > 1 ? (int) conf.getFoldRows() : 1;
            int fc = fr > 1 ? (int) conf.getFoldCols() : 1;
            int rh = gh / fr, rw = gw / fc, ch = rh / 2, cw = rw / 2;
            int[] centreOfPoint = new int[gh * gw];
            for (int i = 0; i < fr; i++) {
                for (int j = 0; j < fc; j++) {
                    int map = i * fc + j;
                    for (int r = 0; r < rh; r++) {
                        for (int c = 0; c < rw; c++) {
                            int m = assign.getInt(map, r * rw + c);
                            int row = i * ch + m / cw, col = j * cw + m % cw;
                            centreOfPoint[(i * rh + r) * gw + j * rw + c] = row * (gw / 2) + col;
                        }
                    }
                }
            }
            gh /= 2;
            gw /= 2;
            for (int p = 0; p < pointOfPixel.length; p++) {
                pointOfPixel[p] = centreOfPoint[pointOfPixel[p]];
                stages[s][p / w][p % w] = pointOfPixel[p];
            }
        }
        String lastBlock = FecGraphs.blockName(3, FecConfigOf.layers(model, 3) - 1);
        INDArray last = acts.get(lastBlock);                         // [1, gh, gw, C] channels-last
        double[][] features = last.reshape(gh * gw, last.size(3)).toDoubleMatrix();
        int[] group = kMeans(features, Math.min(numClusters, features.length), seed);
        int[][] groups = new int[h][w];
        for (int p = 0; p < pointOfPixel.length; p++) {
            groups[p / w][p % w] = group[pointOfPixel[p]];
        }
        return new Result(h, w, stages, groups);
    }

    /** Lloyd's k-means with k-means++ seeding on a few dozen points (not a hot path). */
    static int[] kMeans(double[][] x, int k, long seed) {
        Random rnd = new Random(seed);
        int n = x.length, d = x[0].length;
        double[][] c = new double[k][];
        c[0] = x[rnd.nextInt(n)].clone();
        double[] dist = new double[n];
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                dist[i] = Double.MAX_VALUE;
                for (int q = 0; q < j; q++) {
                    dist[i] = Math.min(dist[i], sq(x[i], c[q]));
                }
                total += dist[i];
            }
            double pick = rnd.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= dist[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            c[j] = x[chosen].clone();
        }
        int[] label = new int[n];
        for (int iter = 0; iter < 50; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (sq(x[i], c[j]) < sq(x[i], c[best])) {
                        best = j;
                    }
                }
                changed |= best != label[i];
                label[i] = best;
            }
            double[][] sum = new double[k][d];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[label[i]]++;
                for (int t = 0; t < d; t++) {
                    sum[label[i]][t] += x[i][t];
                }
            }
            for (int j = 0; j < k; j++) {
                if (count[j] > 0) {
                    for (int t = 0; t < d; t++) {
                        c[j][t] = sum[j][t] / count[j];
                    }
                }
            }
            if (!changed && iter > 0) {
                break;
            }
        }
        return label;
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return s;
    }

    /** Number of blocks of a stage, read from the graph's vertex names. */
    private static final class FecConfigOf {
        static int layers(ComputationGraph g, int stage) {
            int n = 0;
            while (g.getVertex(FecGraphs.blockName(stage, n)) != null) {
                n++;
            }
            return n;
        }
    }
}
