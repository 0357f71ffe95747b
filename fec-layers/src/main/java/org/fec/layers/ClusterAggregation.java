package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Cluster mixer from the similarities on, with its backward pass: hard assignment, aggregation of the values
 * into the centres, dispatch back to the points and the output projection. Everything runs on the rows of each fold
 * region, all heads side by side ([B*R, n, heads*M]), because both projections are linear:
 * <ul>
 *   <li>a centre's value, the average of {@code v = y W_v^T + b_v} over its members and itself (the pooled v), is
 *   the same average of y, projected once per centre: {@code ((sum of the members' y + pooled y) / (members + 1))
 *   W_v^T + b_v}, head by head. So v is never computed per point;</li>
 *   <li>the output {@code (dispatched values) W_p^T + b_p} is {@code sum over heads of weighted assignment x
 *   (values_h W_p,h^T) + b_p}: the centres are projected first and dispatched straight into output rows, without
 *   splitting or merging heads.</li>
 * </ul>
 * The sums over members and the dispatch are products with the hard assignment ({@link Assignment}).
 */
final class ClusterAggregation {

    private final Regions inputRegions;      // the mixer's regions of y: one "head" of depth C
    private final long heads, points, m, c, d, proposalRows, proposalCols;

    // Saved by forward for backward; G = batch * regions.
    private Assignment assignment;   // every point's centre under every head, and sim = sigmoid(alpha cos + beta)
    private INDArray countPlusOne;   // [G, heads, M, 1]
    private INDArray meanY;          // [heads, G*M, C]
    private INDArray values;         // [heads, G*M, d]
    private INDArray projected;      // [G, heads*M, C]: values_h W_p,h^T
    private INDArray wPerHead;       // [heads, C, d]: W_p,h

    /**
     * @param headRegions the mixer's regions of f (heads of depth d)
     * @param channels    C, the width of y and of the output
     */
    ClusterAggregation(Regions headRegions, long channels, long proposalRows, long proposalCols) {
        Regions r = headRegions;
        long height = r.foldRows * r.rows, width = r.foldCols * r.cols;
        this.inputRegions = new Regions(r.batch, height, width, 1, channels, r.foldRows, r.foldCols);
        this.heads = r.heads;
        this.points = r.points();
        this.m = proposalRows * proposalCols;
        this.c = channels;
        this.d = r.depth;
        this.proposalRows = proposalRows;
        this.proposalCols = proposalCols;
    }

    /**
     * @param cos       cosine similarities of every head on the region rows, [B*R, n, heads*M]; or, with
     *                  {@code slotNorms}, the points' dot products with the unit centres (float only; see
     *                  {@link Assignment#of(INDArray, float[], int, double, double)})
     * @param slotNorms the points' norms, one per point and head in the slots' order, or null
     * @param y         the mixer's input rows [B*H*W, C]
     * @param pooledY   y pooled to the centres, [B*centres, C] (from {@link Regions#poolRows})
     * @return the mixer's output rows [B*H*W, C]
     */
    INDArray forward(INDArray cos, float[] slotNorms, double alpha, double beta, INDArray y, INDArray pooledY,
                     INDArray wV, INDArray bV, INDArray wP, INDArray bP) {
        assignment = Assignment.of(cos, slotNorms, (int) m, alpha, beta);
        values = centreValues(y, pooledY, wV, bV);
        wPerHead = Tensors.contiguous(wP.reshape(c, heads, d).permute(1, 0, 2));
        projected = fromHeads(Tensors.bmm(values, wPerHead, false, true), c);
        INDArray out = inputRegions.merge(assignment.pointSums(projected, true));
        return out.addiRowVector(bP.reshape(c));
    }

    /** Average of y over each centre's members and the centre itself, projected: [heads, G*M, d]. */
    private INDArray centreValues(INDArray y, INDArray pooledY, INDArray wV, INDArray bV) {
        long groups = inputRegions.maps();
        INDArray total = assignment.centreSums(inputRegions.split(y), false).reshape(groups, heads, m, c);
        countPlusOne = assignment.memberCounts().reshape(groups, heads, m, 1).addi(1.0);
        INDArray pooled = inputRegions.splitCentres(pooledY, proposalRows, proposalCols);      // [G, M, C]
        Nd4j.exec(new BroadcastAddOp(total, pooled, total, 0, 2, 3));
        meanY = toHeads(total.divi(countPlusOne), c);
        INDArray v = Tensors.bmm(meanY, wV.reshape(heads, d, c), false, true);       // [heads, G*M, d]
        Nd4j.exec(new BroadcastAddOp(v, bV.reshape(heads, d), v, 0, 2));
        return v;
    }

    /**
     * Writes the gradients of W_v, b_v, W_p, b_p, alpha and beta into the gradient views.
     *
     * @param dOut gradient of the output rows [B*H*W, C]
     * @return the gradients of cos [B*R, n, heads*M], of y [B*H*W, C] and of pooled y [B*centres, C]
     */
    INDArray[] backward(INDArray dOut, double alpha, INDArray wV, INDArray dWv, INDArray dBv, INDArray dWp,
                        INDArray dBp, INDArray dAlpha, INDArray dBeta) {
        long groups = inputRegions.maps();
        dBp.assign(Tensors.columnSums(dOut).reshape(dBp.shape()));
        INDArray dOutRegions = inputRegions.split(dOut);                              // [G, n, C]
        INDArray dPerHead = toHeads(assignment.centreSums(dOutRegions, true), c);      // [heads, G*M, C]
        dWp.assign(Tensors.contiguous(Tensors.bmm(dPerHead, values, true, false).permute(1, 0, 2))
                .reshape(dWp.shape()));
        INDArray dValues = Tensors.bmm(dPerHead, wPerHead, false, false);             // [heads, G*M, d]

        // values = meanY W_v^T + b_v, meanY = (member sums + pooled y) / (count + 1)
        dBv.assign(dValues.sum(1).reshape(dBv.shape()));
        dWv.assign(Tensors.bmm(dValues, meanY, true, false).reshape(dWv.shape()));
        INDArray dTotal = fromHeads(Tensors.bmm(dValues, wV.reshape(heads, d, c), false, false), c)
                .reshape(groups, heads, m, c).divi(countPlusOne);
        INDArray dY = inputRegions.merge(assignment.pointSums(dTotal.reshape(groups, heads * m, c), false));
        INDArray dPooledY = inputRegions.mergeCentres(dTotal.sum(1), proposalRows, proposalCols);

        Assignment.SimilarityGradient similarity = assignment.similarityGradient(dOutRegions, projected, alpha);
        dAlpha.assign(similarity.dAlpha());
        dBeta.assign(similarity.dBeta());
        return new INDArray[]{similarity.dCos(), dY, dPooledY};
    }

    /** [G, heads, M, k] (any view of that shape, e.g. [G, heads*M, k]) to per-head rows [heads, G*M, k]. */
    private INDArray toHeads(INDArray perGroup, long k) {
        long groups = inputRegions.maps();
        return Tensors.contiguous(perGroup.reshape(groups, heads, m, k).permute(1, 0, 2, 3))
                .reshape(heads, groups * m, k);
    }

    /** Inverse of {@link #toHeads}: [heads, G*M, k] to [G, heads*M, k]. */
    private INDArray fromHeads(INDArray perHead, long k) {
        long groups = inputRegions.maps();
        return Tensors.contiguous(perHead.reshape(heads, groups, m, k).permute(1, 0, 2, 3))
                .reshape(groups, heads * m, k);
    }
}
