package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.fec.layers.ClusterBlock.*;

/** Native engine of {@link ClusterBlock}: the same computation as its SameDiff definition, eagerly, with backward. */
final class ClusterBlockKernel implements Kernel {

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private final ClusterBlock conf;
    private final long b, h, w, c;
    private final Regions regions;
    private final long proposalRows, proposalCols;
    private final Regions allHeadRegions;    // the fold regions of rows with all heads side by side
    private final Regions slotRegions;       // the same regions of one value per point and head
    private final HeadBlocks headBlocks;
    private final ClusterAggregation aggregation;

    // Saved by forward for backward.
    private GroupNormOp norm1, norm2;
    private UnitRows fUnit, cUnit;
    private INDArray y1, pooledY, fUnitRegions, mixed, y2, scaledHidden,
            twiceCdf, scaledGelu, mlp;
    private INDArray[] drops;
    private boolean keepForBackward = true;
    private boolean mlpInRowBlocks;

    ClusterBlockKernel(ClusterBlock conf, long[] shape, org.nd4j.linalg.api.buffer.DataType dt) {
        this.conf = conf;
        this.b = shape[0];
        this.h = shape[1];
        this.w = shape[2];
        this.c = shape[3];
        boolean folded = conf.getFoldRows() > 1 && conf.getFoldCols() > 1;
        long fr = folded ? conf.getFoldRows() : 1, fc = folded ? conf.getFoldCols() : 1;
        this.regions = new Regions(b, h, w, conf.getHeads(), conf.getHeadDim(), fr, fc);
        this.proposalRows = conf.getProposalRows();
        this.proposalCols = conf.getProposalCols();
        this.allHeadRegions = new Regions(b, h, w, 1, regions.heads * regions.depth, fr, fc);
        this.slotRegions = new Regions(b, h, w, 1, regions.heads, fr, fc);
        this.headBlocks = new HeadBlocks(regions, proposalRows * proposalCols);
        this.aggregation = new ClusterAggregation(regions, c, proposalRows, proposalCols);
    }

    /**
     * Inference: nothing is kept for a backward pass, and each branch is added to the residual inside its last
     * product. The layer scales ride in the output projections' weights and biases ({@code ls (z W^T + b)} is
     * {@code z (diag(ls) W)^T + ls b}), the mixer's output becomes the residual sum in place, and fc2's product
     * accumulates straight into it (beta 1): three passes over the rows fewer than scaling, adding and copying the
     * bias separately.
     */
    @Override
    public INDArray infer(INDArray input, Map<String, INDArray> p) {
        keepForBackward = false;
        INDArray x = Tensors.contiguous(input).reshape(b * h * w, c);
        INDArray y = new GroupNormOp(b, false).forward(x, p.get(NORM1_W), p.get(NORM1_B));
        INDArray ls1 = p.get(LS1).reshape(c, 1), ls2 = p.get(LS2).reshape(c, 1);
        INDArray x2 = mixerForward(y, p, p.get(PROJ_W).mulColumnVector(ls1), p.get(PROJ_B).mul(ls1.reshape(c)))
                .addi(x);                                                          // the mixer's own new rows
        y = new GroupNormOp(b, false).forward(x2, p.get(NORM2_W), p.get(NORM2_B));
        INDArray w2 = p.get(FC2_W).mulColumnVector(ls2);
        x2.addiRowVector(p.get(FC2_B).mul(ls2.reshape(c)));
        if (RowBlockMlp.applies(y, conf.getMlpHidden())) {
            RowBlockMlp.forwardAdding(y, p.get(FC1_W), p.get(FC1_B), w2, x2);
        } else {
            INDArray scaledGelu = Gelu.forwardInPlace(Tensors.linear(y, INV_SQRT2, p.get(FC1_W),
                    p.get(FC1_B).mul(INV_SQRT2)));
            Nd4j.gemm(scaledGelu, Tensors.contiguous(w2), x2, false, true, INV_SQRT2, 1.0);
        }
        return x2.reshape(b, h, w, c);
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        drops = dropPaths;
        INDArray x = Tensors.contiguous(input).reshape(b * h * w, c);
        norm1 = new GroupNormOp(b, keepForBackward);
        y1 = norm1.forward(x, p.get(NORM1_W), p.get(NORM1_B));
        mixed = mixerForward(y1, p, p.get(PROJ_W), p.get(PROJ_B));
        INDArray x2 = x.add(branch(Tensors.mulRowVector(mixed, p.get(LS1)), 0));

        norm2 = new GroupNormOp(b, keepForBackward);
        y2 = norm2.forward(x2, p.get(NORM2_W), p.get(NORM2_B));
        // Exact GELU, gelu(h) = h Phi(h) with Phi(h) = (1 + erf(h / sqrt 2)) / 2, in three passes over the hidden
        // units: fc1 and fc2 carry the 1/sqrt 2 factors inside their products, so with s = h / sqrt 2,
        // twiceCdf = 1 + erf(s) = 2 Phi(h) and s * twiceCdf = sqrt 2 * gelu(h).
        mlpInRowBlocks = RowBlockMlp.applies(y2, conf.getMlpHidden());
        if (mlpInRowBlocks) {
            INDArray[] saved = keepForBackward ? new INDArray[2] : null;
            mlp = RowBlockMlp.forward(y2, p.get(FC1_W), p.get(FC1_B), p.get(FC2_W), p.get(FC2_B), saved);
            if (saved != null) {
                scaledHidden = saved[0];
                twiceCdf = saved[1];
                scaledGelu = null;                                  // recomputed block by block when needed
            }
        } else {
            scaledHidden = Tensors.linear(y2, INV_SQRT2, p.get(FC1_W), p.get(FC1_B).mul(INV_SQRT2));
            if (keepForBackward) {
                INDArray[] cdfAndGelu = Gelu.forward(scaledHidden);
                twiceCdf = cdfAndGelu[0];
                scaledGelu = cdfAndGelu[1];
            } else {
                scaledGelu = Gelu.forwardInPlace(scaledHidden);    // inference: no 1 + erf(s) kept, no new array
            }
            mlp = Tensors.linear(scaledGelu, INV_SQRT2, p.get(FC2_W), p.get(FC2_B));
        }
        return x2.addi(branch(Tensors.mulRowVector(mlp, p.get(LS2)), 1)).reshape(b, h, w, c);
    }

    /** The Cluster mixer's output rows, with the output projection {@code wP}, {@code bP} given. */
    private INDArray mixerForward(INDArray y, Map<String, INDArray> p, INDArray wP, INDArray bP) {
        long rows = y.size(0), heads = regions.heads, d = regions.depth;
        INDArray fRows = Tensors.linear(y, p.get(F_W), p.get(F_B)).reshape(rows, heads, d);
        // Pooling commutes with the projections (the mean of x W^T + b is (mean x) W^T + b), so the C input
        // channels are pooled once, for f's centres here and for the values' centres in ClusterAggregation.
        pooledY = regions.poolRows(y, proposalRows, proposalCols);                // [B * centres, C]
        INDArray centres = regions.splitCentres(Tensors.linear(pooledY, p.get(F_W), p.get(F_B)), proposalRows,
                proposalCols);                                                     // [maps, M, d]
        cUnit = UnitRows.of(centres);                                              // [maps, M, d]
        // Similarities of every head on the region rows [B*R, n, heads*M], head by head (HeadBlocks).
        INDArray similarities;
        float[] slotNorms = null;
        if (!keepForBackward && UnitRows.inJava(fRows)) {
            // Inference: the products of f itself with the unit centres, and f's norms, which the assignment
            // divides the chosen product by; f's unit rows, which only the backward pass reads, are never written.
            similarities = headBlocks.similarities(allHeadRegions.split(fRows.reshape(rows, heads * d)), cUnit.unit);
            INDArray norms = Nd4j.createFromArray(UnitRows.normsOf(fRows)).reshape(rows, heads);
            slotNorms = Tensors.standalone(slotRegions.split(norms)).data().asFloat();
        } else {
            fUnit = UnitRows.of(fRows);                                            // [rows, heads, d]
            fUnitRegions = allHeadRegions.split(fUnit.unit.reshape(rows, heads * d));
            similarities = headBlocks.similarities(fUnitRegions, cUnit.unit);
        }
        return aggregation.forward(similarities, slotNorms, p.get(ALPHA).getDouble(0), p.get(BETA).getDouble(0), y,
                pooledY, p.get(V_W), p.get(V_B), wP, bP);
    }

    /** The stochastic-depth factors [batch, 1] of branch i, or null without stochastic depth. */
    private INDArray dropOf(int i) {
        return drops.length == 0 ? null : drops[i];
    }

    /** Scales a [rows, C] branch per sample by its stochastic-depth factor. */
    private INDArray branch(INDArray t, int i) {
        if (drops.length == 0) {
            return t;
        }
        return t.reshape(b, h * w * c).muliColumnVector(drops[i]).reshape(b * h * w, c);
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        if (!keepForBackward) {
            throw new IllegalStateException("ClusterBlock backward pass after an inference-only forward pass");
        }
        INDArray dx3 = epsilon.dup('c').reshape(b * h * w, c);
        // x3 = x2 + drop * ls2 * mlp
        INDArray dMlp = ScaledBranch.backward(dx3, mlp, p.get(LS2), dropOf(1), b, g.get(LS2));
        INDArray dy2;
        if (mlpInRowBlocks) {
            dy2 = RowBlockMlp.backward(dMlp, y2, p.get(FC1_W), p.get(FC2_W),
                    new INDArray[]{scaledHidden, twiceCdf}, g.get(FC1_W), g.get(FC1_B), g.get(FC2_W),
                    g.get(FC2_B));
        } else {
            // Half the gradient of gelu(h) (the 1/2 rides in the product) times twice gelu'(h), where
            // gelu'(h) = Phi(h) + h phi(h) = twiceCdf / 2 + s exp(-s^2) / sqrt(pi).
            INDArray halfDGelu = Tensors.linearBackward(dMlp, scaledGelu, INV_SQRT2, p.get(FC2_W), g.get(FC2_W),
                    g.get(FC2_B), 0.5);
            // fc1's bias gradient, the column sums of dHidden, comes out of the same pass.
            INDArray dHidden = Gelu.backward(halfDGelu, scaledHidden, twiceCdf, g.get(FC1_B));
            dy2 = Tensors.linearBackward(dHidden, y2, p.get(FC1_W), g.get(FC1_W), null, true);
        }
        INDArray dx2 = dx3.addi(norm2.backward(dy2, p.get(NORM2_W), g.get(NORM2_W), g.get(NORM2_B)));

        // x2 = x + drop * ls1 * mixer(GN1(x))
        INDArray dMixed = ScaledBranch.backward(dx2, mixed, p.get(LS1), dropOf(0), b, g.get(LS1));
        INDArray dy1 = mixerBackward(dMixed, p, g);
        return dx2.addi(norm1.backward(dy1, p.get(NORM1_W), g.get(NORM1_W), g.get(NORM1_B))).reshape(b, h, w, c);
    }

    private INDArray mixerBackward(INDArray dMixed, Map<String, INDArray> p, Map<String, INDArray> g) {
        INDArray[] d = aggregation.backward(dMixed, p.get(ALPHA).getDouble(0), p.get(V_W), g.get(V_W), g.get(V_B),
                g.get(PROJ_W), g.get(PROJ_B), g.get(ALPHA), g.get(BETA));
        INDArray dCos = d[0], dYFromValues = d[1], dPooledYFromValues = d[2];          // dCos [B*R, n, heads*M]
        INDArray dFUnit = allHeadRegions.merge(headBlocks.rowGradient(dCos, cUnit.unit));
        INDArray dCUnit = headBlocks.centreGradient(fUnitRegions, dCos);                  // [maps, M, d]
        INDArray dF = fUnit.backward(dFUnit.reshape(fUnit.unit.shape())).reshape(dFUnit.size(0), dFUnit.size(1));
        INDArray dy = Tensors.linearBackward(dF, y1, p.get(F_W), g.get(F_W), g.get(F_B), true).addi(dYFromValues);
        // The centres: f's second use, on the pooled input.
        INDArray dCentres = regions.mergeCentres(cUnit.backward(dCUnit), proposalRows, proposalCols);
        INDArray dPooledY = Tensors.linearBackwardAdding(dCentres, pooledY, p.get(F_W), g.get(F_W), g.get(F_B))
                .addi(dPooledYFromValues);
        return dy.addi(regions.poolRowsBackward(dPooledY, proposalRows, proposalCols));
    }
}
