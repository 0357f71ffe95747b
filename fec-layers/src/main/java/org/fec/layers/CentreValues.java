package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The value side of the Cluster mixer, with its backward pass. Each centre's value is the average of
 * {@code v = y W_v^T + b_v} over the centre's members and the centre itself (the pooled v). As v is a projection of
 * y, that is the same average of y, projected once per centre:
 * {@code ((sum of the members' y + pooled y) / (members + 1)) W_v^T + b_v}, head by head. So v is never computed
 * per point (no projection over all points, no split into heads, and in the backward pass no products over all
 * points), and one product per fold region sums the C-channel rows of every head's members.
 */
final class CentreValues {

    private final Regions inputRegions;      // the mixer's regions of y: one "head" of depth C
    private final Regions extendedRegions;   // the same with a column of ones appended (depth C + 1)
    private final long batch, heads, regionsPerImage, points, m, c, d, proposalRows, proposalCols;

    // Saved by forward for backward.
    private INDArray members;        // [B*R, n, heads*M] one-hot: point i belongs to centre j of head h
    private INDArray countPlusOne;   // [B*R, heads, M, 1]
    private INDArray meanY;          // [heads, B*R*M, C]

    /**
     * @param headRegions the mixer's regions of f (heads of depth d)
     * @param channels    C, the width of y
     */
    CentreValues(Regions headRegions, long channels, long proposalRows, long proposalCols) {
        Regions r = headRegions;
        long height = r.foldRows * r.rows, width = r.foldCols * r.cols;
        this.inputRegions = new Regions(r.batch, height, width, 1, channels, r.foldRows, r.foldCols);
        this.extendedRegions = new Regions(r.batch, height, width, 1, channels + 1, r.foldRows, r.foldCols);
        this.batch = r.batch;
        this.heads = r.heads;
        this.regionsPerImage = r.foldRows * r.foldCols;
        this.points = r.points();
        this.m = proposalRows * proposalCols;
        this.c = channels;
        this.d = r.depth;
        this.proposalRows = proposalRows;
        this.proposalCols = proposalCols;
    }

    /**
     * @param y          the mixer's input rows [B*H*W, C]
     * @param pooledY    y pooled to the centres, [B*centres, C] (from {@link Regions#poolRows})
     * @param assignment centre index of every point, [maps, n] (maps in batch, head, region order)
     * @return the centre values [maps, M, d]
     */
    INDArray forward(INDArray y, INDArray pooledY, INDArray assignment, INDArray wV, INDArray bV) {
        DataType dt = y.dataType();
        long groups = inputRegions.maps();                                           // batch * regions
        INDArray perPoint = assignment.reshape(batch, heads, regionsPerImage, points).permute(0, 2, 3, 1);
        members = Tensors.oneHot(Tensors.contiguous(perPoint), (int) m, dt).reshape(groups, points, heads * m);
        INDArray withOnes = extendedRegions.split(Nd4j.concat(1, y, Nd4j.ones(dt, y.size(0), 1)));
        // Member sums of every head's centres and, through the ones, their member counts: one product per region.
        INDArray sums = Tensors.bmm(members, withOnes, true, false).reshape(groups, heads, m, c + 1);
        countPlusOne = sums.get(all(), all(), all(), NDArrayIndex.interval(c, c + 1)).add(1.0);
        INDArray total = sums.get(all(), all(), all(), NDArrayIndex.interval(0, c)).dup('c');
        INDArray pooled = inputRegions.splitCentres(pooledY, proposalRows, proposalCols);      // [B*R, M, C]
        Nd4j.exec(new BroadcastAddOp(total, pooled, total, 0, 2, 3));
        INDArray mean = total.divi(countPlusOne);                                    // [B*R, heads, M, C]
        meanY = Tensors.contiguous(mean.permute(1, 0, 2, 3)).reshape(heads, groups * m, c);
        INDArray values = Tensors.bmm(meanY, wV.reshape(heads, d, c), false, true);  // [heads, B*R*M, d]
        Nd4j.exec(new BroadcastAddOp(values, bV.reshape(heads, d), values, 0, 2));
        return Tensors.contiguous(values.reshape(heads, batch, regionsPerImage * m, d).permute(1, 0, 2, 3))
                .reshape(batch * heads * regionsPerImage, m, d);
    }

    /**
     * Writes dW_v and db_v into the gradient views.
     *
     * @param dValues gradient of the centre values, [maps, M, d]
     * @return the gradients of y [B*H*W, C] and of pooled y [B*centres, C]
     */
    INDArray[] backward(INDArray dValues, INDArray wV, INDArray dWv, INDArray dBv) {
        long groups = inputRegions.maps();
        INDArray dPerHead = Tensors.contiguous(dValues.reshape(batch, heads, regionsPerImage * m, d)
                .permute(1, 0, 2, 3)).reshape(heads, groups * m, d);
        dBv.assign(dPerHead.sum(1).reshape(dBv.shape()));
        dWv.assign(Tensors.bmm(dPerHead, meanY, true, false).reshape(dWv.shape()));
        INDArray dMean = Tensors.bmm(dPerHead, wV.reshape(heads, d, c), false, false);   // [heads, B*R*M, C]
        INDArray dTotal = Tensors.contiguous(dMean.reshape(heads, groups, m, c).permute(1, 0, 2, 3))
                .divi(countPlusOne);                                                 // [B*R, heads, M, C]
        INDArray dY = inputRegions.merge(Tensors.bmm(members, dTotal.reshape(groups, heads * m, c), false, false));
        INDArray dPooledY = inputRegions.mergeCentres(dTotal.sum(1), proposalRows, proposalCols);
        return new INDArray[]{dY, dPooledY};
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }
}
