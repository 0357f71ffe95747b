package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

/**
 * Backward pass of a ClusterBlock branch added to the residual, {@code x + drop * ls * t} (layer scale ls per
 * channel, stochastic-depth factor drop per sample): the gradients of t and of ls from the gradient dx of the sum.
 *
 * <p>For float arrays this is one Java pass per sample over dx and t (libnd4j took a copy, a product, a column-sum
 * product and a scaling, five reads and three writes of the rows); double arrays keep ND4J's ops.
 */
final class ScaledBranch {

    private ScaledBranch() {
    }

    /**
     * @param dx   gradient of the sum, [batch * points, C]
     * @param t    the branch's output before scaling, [batch * points, C]
     * @param drop per-sample factors [batch, 1], or null without stochastic depth
     * @param dLs  gradient view of ls: receives the sum over rows of {@code drop * dx * t}
     * @return the gradient of t, {@code drop * ls * dx}, a new array
     */
    static INDArray backward(INDArray dx, INDArray t, INDArray ls, INDArray drop, long batch, INDArray dLs) {
        long rows = dx.size(0), c = dx.size(1);
        if (dx.dataType() != DataType.FLOAT || t.dataType() != DataType.FLOAT || dx.length() > Integer.MAX_VALUE) {
            INDArray dBranch = dx.dup();
            if (drop != null) {
                dBranch = dBranch.reshape(batch, rows / batch * c).muliColumnVector(drop).reshape(rows, c);
            }
            dLs.assign(Tensors.columnSums(dBranch.mul(t)).reshape(dLs.shape()));
            return dBranch.muliRowVector(ls.reshape(c));
        }
        int size = (int) (rows / batch * c), channels = (int) c;
        INDArray gradient = Tensors.standalone(dx), branch = Tensors.standalone(t);
        float[] factors = drop == null ? null : drop.castTo(DataType.FLOAT).toFloatVector();
        float[] lsTiled = Tensors.tiledChannels(ls, size);
        double[][] sums = new double[(int) batch][channels];
        INDArray dt = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        IntStream.range(0, (int) batch).parallel().forEach(sample -> {
            float factor = factors == null ? 1f : factors[sample];
            float[] d = Scratch.floats(size), v = Scratch.floats(size);
            gradient.data().asNioFloat().get(sample * size, d, 0, size);
            branch.data().asNioFloat().get(sample * size, v, 0, size);
            Tensors.addChannelSums(d, v, size, channels, sums[sample]);        // sums of dx * t
            for (int k = 0; k < channels; k++) {
                sums[sample][k] *= factor;
            }
            for (int i = 0; i < size; i++) {
                d[i] = d[i] * factor * lsTiled[i];
            }
            dt.data().asNioFloat().put(sample * size, d, 0, size);
            Scratch.recycle(d, v);
        });
        Scratch.recycle(lsTiled);
        Tensors.assignSumInOrder(sums, dLs);
        return dt;
    }
}
