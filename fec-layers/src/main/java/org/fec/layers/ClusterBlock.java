package org.fec.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One FEC ClusterBlock (MetaFormer layout) on channels-last maps [B, H, W, C]:
 * {@code x = x + ls1 * Cluster(GN(x)); x = x + ls2 * Mlp(GN(x))}, with stochastic depth on both branches
 * during training. The Cluster token mixer proposes centres by adaptive average pooling, assigns every
 * point to its most similar centre ({@code sigmoid(beta + alpha * cos)}), averages member values into the
 * centre and dispatches the centre feature back scaled by the point's similarity.
 *
 * <p>{@link #referenceName} gives the reference's state_dict key (below the block) of every parameter.
 */
public class ClusterBlock extends FecLayer {

    public static final String NORM1_W = "norm1Weight", NORM1_B = "norm1Bias";
    public static final String F_W = "fWeight", F_B = "fBias";
    public static final String V_W = "vWeight", V_B = "vBias";
    public static final String ALPHA = "simAlpha", BETA = "simBeta";
    public static final String PROJ_W = "projWeight", PROJ_B = "projBias";
    public static final String LS1 = "layerScale1", LS2 = "layerScale2";
    public static final String NORM2_W = "norm2Weight", NORM2_B = "norm2Bias";
    public static final String FC1_W = "fc1Weight", FC1_B = "fc1Bias";
    public static final String FC2_W = "fc2Weight", FC2_B = "fc2Bias";

    private static final Map<String, String> REFERENCE_NAMES = Map.ofEntries(
            Map.entry(LS1, "layer_scale_1"), Map.entry(LS2, "layer_scale_2"),
            Map.entry(NORM1_W, "norm1.weight"), Map.entry(NORM1_B, "norm1.bias"),
            Map.entry(ALPHA, "token_mixer.sim_alpha"), Map.entry(BETA, "token_mixer.sim_beta"),
            Map.entry(F_W, "token_mixer.f.weight"), Map.entry(F_B, "token_mixer.f.bias"),
            Map.entry(PROJ_W, "token_mixer.proj.weight"), Map.entry(PROJ_B, "token_mixer.proj.bias"),
            Map.entry(V_W, "token_mixer.v.weight"), Map.entry(V_B, "token_mixer.v.bias"),
            Map.entry(NORM2_W, "norm2.weight"), Map.entry(NORM2_B, "norm2.bias"),
            Map.entry(FC1_W, "mlp.fc1.weight"), Map.entry(FC1_B, "mlp.fc1.bias"),
            Map.entry(FC2_W, "mlp.fc2.weight"), Map.entry(FC2_B, "mlp.fc2.bias"));

    private long dim;
    private long mlpHidden;
    private long heads;
    private long headDim;
    /** Centre grid: the reference's proposal_w (rows) and proposal_h (columns). */
    private long proposalRows;
    private long proposalCols;
    /** Region folding: the reference's fold_w (rows) and fold_h (columns); active only when both exceed 1. */
    private long foldRows = 1;
    private long foldCols = 1;
    private double dropPath;
    private double layerScaleInit = 1e-5;

    protected ClusterBlock() {
    }

    public ClusterBlock(long dim, long mlpHidden, long heads, long headDim, long proposalRows, long proposalCols,
                        long foldRows, long foldCols, double dropPath) {
        this.dim = dim;
        this.mlpHidden = mlpHidden;
        this.heads = heads;
        this.headDim = headDim;
        this.proposalRows = proposalRows;
        this.proposalCols = proposalCols;
        this.foldRows = foldRows;
        this.foldCols = foldCols;
        this.dropPath = dropPath;
    }

    private boolean folded() {
        return foldRows > 1 && foldCols > 1;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        long inner = heads * headDim;
        params.addBiasParam(LS1, dim);
        params.addBiasParam(LS2, dim);
        params.addBiasParam(NORM1_W, dim);
        params.addBiasParam(NORM1_B, dim);
        params.addBiasParam(ALPHA, 1);
        params.addBiasParam(BETA, 1);
        params.addWeightParam(F_W, inner, dim);
        params.addBiasParam(F_B, inner);
        params.addWeightParam(PROJ_W, dim, inner);
        params.addBiasParam(PROJ_B, dim);
        params.addWeightParam(V_W, inner, dim);
        params.addBiasParam(V_B, inner);
        params.addBiasParam(NORM2_W, dim);
        params.addBiasParam(NORM2_B, dim);
        params.addWeightParam(FC1_W, mlpHidden, dim);
        params.addBiasParam(FC1_B, mlpHidden);
        params.addWeightParam(FC2_W, dim, mlpHidden);
        params.addBiasParam(FC2_B, dim);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> p) {
        long inner = heads * headDim;
        ParamInit.constant(p.get(LS1), layerScaleInit);
        ParamInit.constant(p.get(LS2), layerScaleInit);
        ParamInit.constant(p.get(NORM1_W), 1);
        ParamInit.constant(p.get(NORM1_B), 0);
        ParamInit.constant(p.get(NORM2_W), 1);
        ParamInit.constant(p.get(NORM2_B), 0);
        ParamInit.constant(p.get(ALPHA), 1);
        ParamInit.constant(p.get(BETA), 0);
        // 1x1 convolutions keep PyTorch's default init, the MLP's nn.Linear layers timm's trunc_normal(0.02).
        ParamInit.uniform(p.get(F_W), 1.0 / Math.sqrt(dim));
        ParamInit.uniform(p.get(F_B), 1.0 / Math.sqrt(dim));
        ParamInit.uniform(p.get(V_W), 1.0 / Math.sqrt(dim));
        ParamInit.uniform(p.get(V_B), 1.0 / Math.sqrt(dim));
        ParamInit.uniform(p.get(PROJ_W), 1.0 / Math.sqrt(inner));
        ParamInit.uniform(p.get(PROJ_B), 1.0 / Math.sqrt(inner));
        ParamInit.truncatedNormal(p.get(FC1_W), 0.02);
        ParamInit.constant(p.get(FC1_B), 0);
        ParamInit.truncatedNormal(p.get(FC2_W), 0.02);
        ParamInit.constant(p.get(FC2_B), 0);
    }

    @Override
    public void checkInputShape(long[] s) {
        String name = "ClusterBlock '" + getLayerName() + "'";
        ShapeChecks.rank4(name, s, "NHWC feature map");
        ShapeChecks.channels(name, s, s[3], dim);
        if (folded()) {
            ShapeChecks.divisible(name, s, "feature map height", s[1], foldRows, "fold " + foldRows + "x" + foldCols
                    + " must divide the map");
            ShapeChecks.divisible(name, s, "feature map width", s[2], foldCols, "fold " + foldRows + "x" + foldCols
                    + " must divide the map");
        }
    }

    @Override
    public int numDropPathBranches() {
        return 2;
    }

    @Override
    public double dropPathRate() {
        return dropPath;
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable input, Map<String, SDVariable> p, long[] s,
                             SDVariable[] drops) {
        long b = s[0], h = s[1], w = s[2], n = h * w;
        SDVariable x = input.reshape(b * n, dim);

        SDVariable mixed = clusterMixer(sd, FecOps.groupNorm1(x, p.get(NORM1_W), p.get(NORM1_B), b, n, dim), p, b, h, w);
        x = x.add(dropPath(mixed.mul(p.get(LS1)), drops, 0, b, n));

        SDVariable y = FecOps.groupNorm1(x, p.get(NORM2_W), p.get(NORM2_B), b, n, dim);
        SDVariable hidden = FecOps.geluExact(sd, FecOps.linear(y, p.get(FC1_W), p.get(FC1_B)));
        SDVariable mlp = FecOps.linear(hidden, p.get(FC2_W), p.get(FC2_B));
        x = x.add(dropPath(mlp.mul(p.get(LS2)), drops, 1, b, n));
        return x.reshape(b, h, w, dim);
    }

    private SDVariable dropPath(SDVariable branch, SDVariable[] drops, int i, long b, long n) {
        if (drops.length == 0) {
            return branch;
        }
        return branch.reshape(b, n * dim).mul(drops[i]).reshape(b * n, dim);
    }

    /** The Cluster token mixer on normalised points y [B*H*W, dim]; returns [B*H*W, dim]. */
    private SDVariable clusterMixer(SameDiff sd, SDVariable y, Map<String, SDVariable> p, long b, long h, long w) {
        long fr = folded() ? foldRows : 1, fc = folded() ? foldCols : 1;
        long rh = h / fr, rw = w / fc, n = rh * rw;              // one region (the whole map without folding)
        long maps = b * heads * fr * fc, m = proposalRows * proposalCols;

        SDVariable f = toRegions(FecOps.linear(y, p.get(F_W), p.get(F_B)), b, fr, rh, fc, rw);   // [maps, n, d]
        SDVariable v = toRegions(FecOps.linear(y, p.get(V_W), p.get(V_B)), b, fr, rh, fc, rw);
        SDVariable centres = FecOps.adaptiveAvgPool(sd, f, maps, rh, rw, headDim, proposalRows, proposalCols);
        SDVariable valueCentres = FecOps.adaptiveAvgPool(sd, v, maps, rh, rw, headDim, proposalRows, proposalCols);

        SDVariable cos = FecOps.cosineSimilarity(sd, f, centres);                           // [maps, n, m]
        SDVariable sim = sd.nn().sigmoid(cos.mul(p.get(ALPHA)).add(p.get(BETA)));
        SDVariable mask = FecOps.hardAssignment(sd, sim, (int) m);
        SDVariable centreOut = FecOps.aggregate(sd, mask, v, valueCentres, maps, m);         // [maps, m, d]
        // Each point receives its centre's feature scaled by its similarity to that centre.
        SDVariable dispatched = sd.mmul(sim.mul(mask), centreOut);                          // [maps, n, d]
        SDVariable merged = fromRegions(dispatched, b, fr, rh, fc, rw);                     // [B*H*W, heads*d]
        return FecOps.linear(merged, p.get(PROJ_W), p.get(PROJ_B));
    }

    /** [B*H*W, heads*d] to [B*heads*fr*fc, rh*rw, d]: split heads (batch-major) and fold regions. */
    private SDVariable toRegions(SDVariable t, long b, long fr, long rh, long fc, long rw) {
        if (fr == 1 && fc == 1) {
            return t.reshape(b, rh * rw, heads, headDim).permute(0, 2, 1, 3).reshape(b * heads, rh * rw, headDim);
        }
        return t.reshape(b, fr, rh, fc, rw, heads, headDim).permute(0, 5, 1, 3, 2, 4, 6)
                .reshape(b * heads * fr * fc, rh * rw, headDim);
    }

    /** Inverse of {@link #toRegions}. */
    private SDVariable fromRegions(SDVariable t, long b, long fr, long rh, long fc, long rw) {
        if (fr == 1 && fc == 1) {
            return t.reshape(b, heads, rh * rw, headDim).permute(0, 2, 1, 3).reshape(b * rh * rw, heads * headDim);
        }
        return t.reshape(b, heads, fr, fc, rh, rw, headDim).permute(0, 2, 4, 3, 5, 1, 6)
                .reshape(b * fr * rh * fc * rw, heads * headDim);
    }

    @Override
    boolean hasNativeEngine() {
        return true;
    }

    @Override
    Kernel newKernel(long[] inputShape, org.nd4j.linalg.api.buffer.DataType dataType) {
        return new ClusterBlockKernel(this, inputShape, dataType);
    }

    @Override
    public String referenceName(String param) {
        return REFERENCE_NAMES.get(param);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    public long getDim() {
        return dim;
    }

    public long getMlpHidden() {
        return mlpHidden;
    }

    public long getHeads() {
        return heads;
    }

    public long getHeadDim() {
        return headDim;
    }

    public long getProposalRows() {
        return proposalRows;
    }

    public long getProposalCols() {
        return proposalCols;
    }

    public long getFoldRows() {
        return foldRows;
    }

    public long getFoldCols() {
        return foldCols;
    }

    public double getDropPath() {
        return dropPath;
    }

    public double getLayerScaleInit() {
        return layerScaleInit;
    }

    public void setLayerScaleInit(double layerScaleInit) {
        this.layerScaleInit = layerScaleInit;
    }
}
