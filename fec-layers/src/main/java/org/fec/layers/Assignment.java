package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The Cluster mixer's hard assignment and the products it takes part in. Every point under every head (a "slot", a
 * row of M similarities) belongs to the centre with the largest {@code sim = sigmoid(alpha cos + beta)}, the first
 * one on ties: {@code members} is that choice as one-hot rows [G, n, heads*M], {@code weighted} is members times
 * sim. The sums over members and the dispatch to the points are batched products with those rows.
 *
 * <p>For float arrays the assignment is one Java pass over the slots, in chunks over the fork-join pool, in place of
 * five libnd4j passes (scale and shift, sigmoid, argmax, one-hot, product), with one sigmoid per slot: the sigmoid
 * is increasing, so the argmax of sim is the argmax of {@code alpha cos + beta}. (Where float rounds the sigmoids of
 * two different arguments to the same value, the larger argument wins here and the first one in ND4J's pass; the
 * float similarities differ from the reference's by more than that.) The pass also keeps each slot's centre, sim
 * and cos, so the similarity gradient, nonzero only at the members, is one pass over the slots as well. Double
 * arrays (gradient checks, float64 parity with the reference) keep ND4J's ops.
 */
final class Assignment {

    private static final int CHUNK_SLOTS = 2048;

    private final INDArray cos;        // [G, n, heads*M]
    private final int m;               // centres per head
    private final INDArray members;    // one-hot rows, shaped like cos
    private final INDArray weighted;   // members * sim
    /** Float only, per slot: the chosen centre's index in [0, M), sim and cos there; null for double. */
    private final int[] centre;
    private final float[] sim, cosAtCentre;

    private Assignment(INDArray cos, int m, INDArray members, INDArray weighted, int[] centre, float[] sim,
                       float[] cosAt) {
        this.cos = cos;
        this.m = m;
        this.members = members;
        this.weighted = weighted;
        this.centre = centre;
        this.sim = sim;
        this.cosAtCentre = cosAt;
    }

    /**
     * @param cos similarities [G, n, heads*M], each row of M one slot
     */
    static Assignment of(INDArray cos, int m, double alpha, double beta) {
        return of(cos, null, m, alpha, beta);
    }

    /**
     * The assignment from dot products with unit centres and the points' norms instead of cosines (float only):
     * cos = dot / norm for every slot, one norm per slot. A slot's positive norm scales its M dot products alike,
     * so the choice is made on the dot products and only the chosen one is divided (inference skips the point
     * rows' unit copies).
     *
     * @param slotNorms the points' clamped norms, one per slot in the slots' order, or null when cos are cosines
     */
    static Assignment of(INDArray cos, float[] slotNorms, int m, double alpha, double beta) {
        if (cos.rank() != 3 || cos.size(2) % m != 0) {
            throw new IllegalArgumentException("similarities " + java.util.Arrays.toString(cos.shape())
                    + " are not [groups, points, heads*M] with M = " + m);
        }
        if (slotNorms != null && (cos.dataType() != DataType.FLOAT || slotNorms.length != cos.length() / m)) {
            throw new IllegalArgumentException("slot norms: " + slotNorms.length + " for " + cos.length() / m
                    + " float slots, got " + cos.dataType());
        }
        if (cos.dataType() != DataType.FLOAT || cos.length() > Integer.MAX_VALUE) {
            long slots = cos.length() / m;
            INDArray sim = Tensors.sigmoidInPlace(cos.mul(alpha).addi(beta)).reshape(slots, m);
            INDArray members = Tensors.oneHot(Nd4j.argMax(sim, 1), m, cos.dataType());
            return new Assignment(cos, m, members.reshape(cos.shape()), sim.muli(members).reshape(cos.shape()), null,
                    null, null);
        }
        INDArray in = Tensors.standalone(cos);
        INDArray members = Nd4j.createUninitialized(DataType.FLOAT, cos.shape());
        INDArray weighted = Nd4j.createUninitialized(DataType.FLOAT, cos.shape());
        FloatBuffer source = in.data().asNioFloat(), oneHot = members.data().asNioFloat();
        FloatBuffer scaled = weighted.data().asNioFloat();
        int slots = (int) (cos.length() / m);
        int[] centre = new int[slots];
        float[] sim = new float[slots], cosAt = new float[slots];
        float a = (float) alpha, b = (float) beta;
        Tensors.forEachRange(slots, CHUNK_SLOTS, (firstSlot, count) -> {
            int first = firstSlot * m, length = count * m;
            float[] x = Scratch.floats(length), hot = Scratch.floats(length), w = Scratch.floats(length);
            source.get(first, x, 0, length);
            Arrays.fill(hot, 0, length, 0f);
            Arrays.fill(w, 0, length, 0f);
            for (int s = 0; s < count; s++) {
                int row = s * m, best = 0;
                float bestZ = a * x[row] + b;
                for (int j = 1; j < m; j++) {
                    float z = a * x[row + j] + b;
                    if (z > bestZ) {
                        best = j;
                        bestZ = z;
                    }
                }
                float cosine = x[row + best];
                if (slotNorms != null) {
                    cosine /= slotNorms[firstSlot + s];
                    bestZ = a * cosine + b;
                }
                float weight = (float) (1.0 / (1.0 + Math.exp(-bestZ)));
                hot[row + best] = 1f;
                w[row + best] = weight;
                centre[firstSlot + s] = best;
                sim[firstSlot + s] = weight;
                cosAt[firstSlot + s] = cosine;
            }
            oneHot.put(first, hot, 0, length);
            scaled.put(first, w, 0, length);
            Scratch.recycle(x, hot, w);
        });
        return new Assignment(in, m, members, weighted, centre, sim, cosAt);
    }

    /** The one-hot rows [G, n, heads*M]. */
    INDArray members() {
        return members;
    }

    /** The one-hot rows times sim. */
    INDArray weighted() {
        return weighted;
    }

    /** {@code members^T rows} (or {@code weighted^T rows}): point rows [G, n, k] summed into their centres. */
    INDArray centreSums(INDArray rows, boolean weightedRows) {
        return Tensors.bmm(weightedRows ? weighted : members, rows, true, false);
    }

    /** The number of members of every centre, [G, heads*M]. */
    INDArray memberCounts() {
        if (centre == null) {
            return members.sum(1);
        }
        int row = (int) cos.size(2), heads = row / m, slotsPerGroup = (int) cos.size(1) * heads;
        float[] counts = new float[(int) cos.size(0) * row];
        for (int s = 0; s < centre.length; s++) {
            // Slot s is head s % heads of its point; its centres are that head's M columns of the group's row.
            int group = s / slotsPerGroup, head = s % heads;
            counts[group * row + head * m + centre[s]] += 1f;
        }
        return Nd4j.createFromArray(counts).reshape(cos.size(0), row);
    }

    /**
     * {@code members centres} (or {@code weighted centres}): each point's centre rows [G, heads*M, k] summed over
     * the heads.
     */
    INDArray pointSums(INDArray centres, boolean weightedRows) {
        return Tensors.bmm(weightedRows ? weighted : members, centres, false, false);
    }

    /** The similarity gradients: of cos ([G, n, heads*M]), of alpha and of beta. */
    record SimilarityGradient(INDArray dCos, double dAlpha, double dBeta) {
    }

    /**
     * The gradients of cos, alpha and beta when the loss depends on weighted through
     * {@code pointSums(centres, true)} with gradient {@code dPoints} [G, n, k]. With z = alpha cos + beta:
     * {@code dz = (dPoints centres^T) sim'} at the members, where {@code sim' = sim (1 - sim)}, and zero elsewhere;
     * {@code dCos = alpha dz}, {@code dAlpha = sum of dz cos}, {@code dBeta = sum of dz}.
     */
    SimilarityGradient similarityGradient(INDArray dPoints, INDArray centres, double alpha) {
        INDArray dWeighted = Tensors.bmm(dPoints, centres, false, true);            // [G, n, heads*M]
        if (centre == null) {
            // At the members sim' = sim (1 - sim), which is weighted (1 - weighted); zero elsewhere.
            INDArray dz = dWeighted.muli(weighted).muli(weighted.rsub(1.0));
            double dAlpha = dz.mul(cos).sumNumber().doubleValue(), dBeta = dz.sumNumber().doubleValue();
            return new SimilarityGradient(dz.muli(alpha), dAlpha, dBeta);
        }
        // Only the members' entries are read; each chunk of dCos is written whole (zeros elsewhere), in place.
        INDArray dCos = Tensors.standalone(dWeighted);
        FloatBuffer grad = dCos.data().asNioFloat();
        float scale = (float) alpha;
        int chunks = (centre.length + CHUNK_SLOTS - 1) / CHUNK_SLOTS;
        double[] alphaParts = new double[chunks], betaParts = new double[chunks];
        Tensors.forEachRange(centre.length, CHUNK_SLOTS, (firstSlot, count) -> {
            int length = count * m;
            float[] z = Scratch.floats(length);
            Arrays.fill(z, 0, length, 0f);
            double dAlpha = 0, dBeta = 0;
            for (int s = 0; s < count; s++) {
                int slot = firstSlot + s, at = s * m + centre[slot];
                float w = sim[slot], value = grad.get(firstSlot * m + at) * w * (1f - w);
                z[at] = scale * value;
                dAlpha += (double) value * cosAtCentre[slot];
                dBeta += value;
            }
            grad.put(firstSlot * m, z, 0, length);
            Scratch.recycle(z);
            alphaParts[firstSlot / CHUNK_SLOTS] = dAlpha;
            betaParts[firstSlot / CHUNK_SLOTS] = dBeta;
        });
        double dAlpha = 0, dBeta = 0;
        for (int k = 0; k < chunks; k++) {
            dAlpha += alphaParts[k];
            dBeta += betaParts[k];
        }
        return new SimilarityGradient(dCos, dAlpha, dBeta);
    }
}
