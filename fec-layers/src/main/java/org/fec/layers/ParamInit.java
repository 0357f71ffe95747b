package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Parameter initialisations of the reference (PyTorch / timm defaults), drawn from ND4J's RNG. */
final class ParamInit {

    private ParamInit() {
    }

    /** U(-bound, bound), PyTorch's default for conv weights and biases with bound 1/sqrt(fanIn). */
    static void uniform(INDArray param, double bound) {
        param.assign(Nd4j.rand(param.dataType(), param.shape()).muli(2 * bound).subi(bound));
    }

    /** timm's trunc_normal_(std) with cut-off at +-2 (absolute), used for nn.Linear weights. */
    static void truncatedNormal(INDArray param, double std) {
        INDArray draw = Nd4j.randn(param.dataType(), param.shape()).muli(std);
        // timm cuts at +-2 absolute; at std 0.02 that is 100 sigma, so clamping is the same distribution.
        param.assign(org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(draw, -2.0), 2.0));
    }

    /** N(0, std). */
    static void normal(INDArray param, double std) {
        param.assign(Nd4j.randn(param.dataType(), param.shape()).muli(std));
    }

    static void constant(INDArray param, double value) {
        param.assign(value);
    }
}
