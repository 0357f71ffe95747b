package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The Cluster mixer's hard assignment: for every point and head (a "slot", a row of M similarities), the centre with
 * the largest {@code sim = sigmoid(alpha cos + beta)}, as a one-hot row ({@code members}) and as that row times
 * sim ({@code weighted}).
 *
 * <p>For float arrays this is one Java pass over the rows, in chunks over the fork-join pool, in place of five
 * libnd4j passes (scale and shift, sigmoid, argmax, one-hot, product), with one sigmoid per slot rather than per
 * centre: the sigmoid is increasing, so the argmax of sim is the argmax of {@code alpha cos + beta}, first on ties.
 * (Where float rounds the sigmoids of two different arguments to the same value, the larger argument wins here and
 * the first one in ND4J's pass; the float similarities differ from the reference's by more than that.) Double arrays
 * (gradient checks, float64 parity with the reference's hard assignments) keep the ND4J pass.
 */
final class HardAssignment {

    private static final int CHUNK_SLOTS = 2048;

    private HardAssignment() {
    }

    /**
     * @param cos similarities [.., M] (any leading shape; rows of M are the slots)
     * @return {members, weighted}, both shaped like cos
     */
    static INDArray[] membersAndWeights(INDArray cos, int m, double alpha, double beta) {
        if (cos.dataType() != DataType.FLOAT || cos.length() > Integer.MAX_VALUE) {
            return viaNd4j(cos, m, alpha, beta);
        }
        INDArray in = Tensors.standalone(cos);
        INDArray members = Nd4j.createUninitialized(DataType.FLOAT, cos.shape());
        INDArray weighted = Nd4j.createUninitialized(DataType.FLOAT, cos.shape());
        FloatBuffer source = in.data().asNioFloat(), oneHot = members.data().asNioFloat();
        FloatBuffer scaled = weighted.data().asNioFloat();
        int slots = (int) (cos.length() / m), chunks = (slots + CHUNK_SLOTS - 1) / CHUNK_SLOTS;
        float a = (float) alpha, b = (float) beta;
        IntStream.range(0, chunks).parallel().forEach(k -> {
            int first = k * CHUNK_SLOTS * m, length = Math.min(CHUNK_SLOTS, slots - k * CHUNK_SLOTS) * m;
            float[] x = new float[length], hot = new float[length], w = new float[length];
            source.get(first, x, 0, length);
            for (int row = 0; row < length; row += m) {
                int best = 0;
                float bestZ = a * x[row] + b;
                for (int j = 1; j < m; j++) {
                    float z = a * x[row + j] + b;
                    if (z > bestZ) {
                        best = j;
                        bestZ = z;
                    }
                }
                hot[row + best] = 1f;
                w[row + best] = (float) (1.0 / (1.0 + Math.exp(-bestZ)));
            }
            oneHot.put(first, hot, 0, length);
            scaled.put(first, w, 0, length);
        });
        return new INDArray[]{members, weighted};
    }

    private static INDArray[] viaNd4j(INDArray cos, int m, double alpha, double beta) {
        long slots = cos.length() / m;
        INDArray sim = Tensors.sigmoidInPlace(cos.mul(alpha).addi(beta)).reshape(slots, m);
        INDArray members = Tensors.oneHot(Nd4j.argMax(sim, 1), m, cos.dataType());
        return new INDArray[]{members.reshape(cos.shape()), sim.muli(members).reshape(cos.shape())};
    }
}
