package org.fec.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.fec.layers.ClusterPool.*;

/** Native engine of {@link ClusterPool}: the same computation as its SameDiff definition, eagerly, with backward. */
final class ClusterPoolKernel implements Kernel {

    private final ClusterPool conf;
    private final long b, h, w, c, o;
    private final Regions regions;           // single "head" of depth o
    private final Regions inputRegions;      // the same regions of the input, depth C
    private final long ch, cw;               // centre grid of a region
    private final StridedPatches patches;    // conv_skip's 3x3 stride-2 patches
    private final BlockMeans blockMeans;     // the centre proposals: 2x2 means of each region

    private INDArray columns, skipKernel, assigned, countPlusOne, meanX;
    private GroupNormOp norm;

    ClusterPoolKernel(ClusterPool conf, long[] shape) {
        this.conf = conf;
        this.b = shape[0];
        this.h = shape[1];
        this.w = shape[2];
        this.c = shape[3];
        this.o = conf.getOutChannels();
        boolean folded = conf.getFoldRows() > 1 && conf.getFoldCols() > 1;
        long fr = folded ? conf.getFoldRows() : 1, fc = folded ? conf.getFoldCols() : 1;
        this.regions = new Regions(b, h, w, 1, o, fr, fc);
        this.inputRegions = new Regions(b, h, w, 1, c, fr, fc);
        this.patches = new StridedPatches(b, h, w, c);
        this.ch = regions.rows / 2;
        this.cw = regions.cols / 2;
        this.blockMeans = new BlockMeans(regions.rows, regions.cols);
    }

    @Override
    public INDArray forward(INDArray input, Map<String, INDArray> p, INDArray[] dropPaths) {
        INDArray x = Tensors.contiguous(input).reshape(b * h * w, c);
        columns = patches.im2col(Tensors.contiguous(input));                          // [B*H/2*W/2, 9C]
        skipKernel = skipKernel(p.get(SKIP_W));
        INDArray skip = Tensors.linear(columns, skipKernel, p.get(SKIP_B));

        INDArray xMaps = inputRegions.split(x);                                       // [maps, n, C]
        INDArray xWithOnes = Tensors.withOnesColumn(xMaps);                           // [maps, n, C + 1]
        // Pooling commutes with the 1x1 projections (the mean of x W^T + b is (mean x) W^T + b), so the centres
        // come from the C input channels pooled once.
        INDArray pooledX = blockMeans.forward(xMaps);                                 // [maps, M, C]
        long maps = pooledX.size(0), m = ch * cw;
        INDArray unitCentres = UnitRows.of(Tensors.linear(pooledX.reshape(maps * m, c), p.get(F_W), p.get(F_B))).unit;
        // Every point joins the centre most cosine-similar to its f = W_f x + b_f. Dividing f by its norm scales
        // all of a point's similarities alike, so the argmax only needs f . c = [x, 1] . [W_f^T c, b_f . c] for the
        // unit centres c: a product over the C + 1 input columns instead of the o channels of f, with f itself
        // never computed (o = 2C here, so half the work of the largest product of a classifier's first pool).
        INDArray centresInInput = Nd4j.createUninitialized(x.dataType(), maps * m, c + 1);
        Nd4j.gemm(unitCentres, projectionWithBias(p), centresInInput, false, false, 1.0, 0.0);
        INDArray similarity = Tensors.bmm(xWithOnes, centresInInput.reshape(maps, m, c + 1), false, true);
        assigned = Nd4j.argMax(similarity, 2);                                         // [maps, n]
        // Each centre's value is the average of v over its members and itself. v is a 1x1 projection of x, so that
        // is the same average of x, projected once per centre instead of once per point. Member sums and, through
        // the column of ones, member counts come from one pass of ordered group sums (M = n/4 here: a one-hot
        // [maps, n, M] mask and its product would cost M times as much).
        INDArray sums = Tensors.groupRowSums(xWithOnes, assigned, m);                 // [maps, M, C + 1]
        countPlusOne = sums.get(all(), all(), NDArrayIndex.interval(c, c + 1)).add(1.0);   // [maps, M, 1]
        meanX = sums.get(all(), all(), NDArrayIndex.interval(0, c)).add(pooledX).divi(countPlusOne)
                .reshape(maps * m, c);
        INDArray pooled = Tensors.linear(meanX, p.get(V_W), p.get(V_B)).reshape(maps, m, o);
        norm = new GroupNormOp(b);
        INDArray normed = norm.forward(centreRows(pooled), p.get(NORM_W), p.get(NORM_B));
        return skip.addi(normed).reshape(b, h / 2, w / 2, o);
    }

    @Override
    public INDArray backward(INDArray epsilon, Map<String, INDArray> p, Map<String, INDArray> g) {
        INDArray dOut = epsilon.dup('c').reshape(b * h * w / 4, o);
        // skip = conv3x3/2(x) as columns x kernel^T
        INDArray dKernel = Nd4j.createUninitialized(dOut.dataType(), o, 9 * c);
        INDArray dColumns = Tensors.linearBackward(dOut, columns, skipKernel, dKernel, g.get(SKIP_B), true);
        g.get(SKIP_W).assign(dKernel.reshape(o, 3, 3, c).permute(0, 3, 1, 2));
        INDArray dx = patches.col2im(dColumns);

        INDArray dPooled = regionsOfCentres(norm.backward(dOut, p.get(NORM_W), g.get(NORM_W), g.get(NORM_B)));
        long maps = dPooled.size(0), m = ch * cw;
        INDArray dMeanX = Tensors.linearBackward(dPooled.reshape(maps * m, o), meanX, p.get(V_W), g.get(V_W),
                g.get(V_B), true);
        INDArray dSums = dMeanX.reshape(maps, m, c).divi(countPlusOne);              // [maps, M, C]
        // Every member receives its centre's gradient (a row gather, not a product with a [maps, n, M] mask), and
        // the centre's own pooled input a quarter of it per point.
        INDArray dxMaps = Tensors.groupRowsGather(dSums, assigned).addi(blockMeans.backward(dSums));
        dx.addi(inputRegions.merge(dxMaps).reshape(b, h, w, c));
        // conv_f only steers the hard assignment: no gradient, as in the reference.
        g.get(F_W).assign(0);
        g.get(F_B).assign(0);
        return dx;
    }

    /** conv_f's weight with its bias as one more column, [o, C + 1]. */
    private INDArray projectionWithBias(Map<String, INDArray> p) {
        INDArray wb = Nd4j.createUninitialized(p.get(F_W).dataType(), o, c + 1);
        wb.get(all(), NDArrayIndex.interval(0, c)).assign(p.get(F_W));
        wb.get(all(), NDArrayIndex.interval(c, c + 1)).assign(p.get(F_B).reshape(o, 1));
        return wb;
    }

    /** conv_skip weight [o, c, 3, 3] as a [o, 9c] matrix matching {@link StridedPatches}' (ky, kx, c) column order. */
    private INDArray skipKernel(INDArray weight) {
        return weight.permute(0, 2, 3, 1).dup('c').reshape(o, 9 * c);
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }

    /** Pooled centres [maps, M, o] as rows of the output map [B*H/2*W/2, o]. */
    private INDArray centreRows(INDArray pooled) {
        return new Regions(b, h / 2, w / 2, 1, o, regions.foldRows, regions.foldCols).merge(pooled);
    }

    /** Inverse of {@link #centreRows}. */
    private INDArray regionsOfCentres(INDArray rows) {
        return new Regions(b, h / 2, w / 2, 1, o, regions.foldRows, regions.foldCols).split(rows);
    }
}
