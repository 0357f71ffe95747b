package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One forward pass of an FEC layer in the native engine (eager ND4J ops with a hand-written backward pass).
 * An instance remembers what its {@link #backward} needs, so a training step runs the forward pass once.
 */
interface Kernel {

    /**
     * @param input     the layer input
     * @param params    the layer parameters (views into the network's parameter vector)
     * @param dropPaths one [batch, 1] stochastic-depth scale per residual branch, or an empty array
     */
    INDArray forward(INDArray input, Map<String, INDArray> params, INDArray[] dropPaths);

    /**
     * The forward pass in inference (no stochastic depth) when no backward pass follows: kernels may then skip
     * what only the backward pass reads.
     */
    default INDArray infer(INDArray input, Map<String, INDArray> params) {
        return forward(input, params, new INDArray[0]);
    }

    /** Writes the parameter gradients into {@code grads} (views) and returns the gradient of the input. */
    INDArray backward(INDArray epsilon, Map<String, INDArray> params, Map<String, INDArray> grads);
}
