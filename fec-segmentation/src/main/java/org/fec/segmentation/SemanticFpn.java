package org.fec.segmentation;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.fec.layers.Conv2d;
import org.fec.layers.FrozenBatchNorm;
import org.fec.layers.Interpolation;
import org.fec.layers.ResizeVertex;
import org.nd4j.linalg.activations.Activation;

/**
 * mmsegmentation's Semantic FPN (an {@code FPN} neck and an {@code FPNHead}) added to a graph on four NCHW feature
 * maps of strides 4, 8, 16 and 32, with the same structure, the same resize rules and vertex names that map one to
 * one to mmseg's state-dict keys ({@link #moduleOf}).
 *
 * <ul>
 *   <li>neck: {@code neck_lateral_convs_i_conv} (1x1), top-down {@code neck_topdown_i} (lateral + nearest resize
 *       of the coarser level to this level's size), {@code neck_fpn_convs_i_conv} (3x3);</li>
 *   <li>head: per level {@code decode_head_scale_heads_i_<2j>_conv|bn|relu} blocks, each followed by a x2 bilinear
 *       {@code decode_head_scale_heads_i_<2j+1>_up} for levels 1-3; {@code decode_head_sum_i} adds level i,
 *       resized (bilinear) to level 0's size; {@code decode_head_conv_seg} (dropout 0.1 on its input, 1x1) gives
 *       the 1/4-resolution logits;</li>
 *   <li>{@value #LOGITS}: logits resized (bilinear) to the image size; {@value #LOSS}: {@link SegmentationLoss}.</li>
 * </ul>
 */
public final class SemanticFpn {

    public static final int NECK_CHANNELS = 256;
    public static final int HEAD_CHANNELS = 128;
    public static final double DROPOUT = 0.1;
    public static final String LOGITS_QUARTER = "decode_head_conv_seg";
    public static final String LOGITS = "logits";
    public static final String LOSS = "loss";

    /** How the head's batch norms behave in training. */
    public enum NormMode {
        /** Batch statistics in training, running statistics in inference (mmseg's SyncBN in train mode). */
        BATCH,
        /** Running statistics always (mmseg's {@code norm_eval=True}; what the golden gradients use). */
        FROZEN
    }

    private SemanticFpn() {
    }

    /** Neck output vertex of level i. */
    public static String neckOutput(int level) {
        return "neck_fpn_convs_" + level + "_conv";
    }

    /** Number of conv blocks of the scale head of a level: max(1, log2(stride / 4)). */
    static int blocks(int level) {
        return Math.max(1, level);
    }

    /**
     * Adds the neck, the head, the final resize (to the size of {@code image}) and the loss.
     *
     * @param features     the four feature vertices (NCHW, strides 4 to 32)
     * @param channels     their channel counts
     * @param image        the vertex whose height and width the final logits take (the network's image input)
     * @param dropout      channel dropout before the classifier in training ({@link #DROPOUT} in the reference)
     */
    public static void addTo(GraphBuilder g, List<String> features, long[] channels, int numClasses, String image,
                             NormMode normMode, double dropout, SegmentationLoss loss) {
        if (features.size() != 4 || channels.length != 4) {
            throw new IllegalArgumentException("Semantic FPN needs four feature levels, got " + features.size());
        }
        String[] lateral = new String[4];
        for (int i = 0; i < 4; i++) {
            lateral[i] = "neck_lateral_convs_" + i + "_conv";
            g.addLayer(lateral[i], new Conv2d(channels[i], NECK_CHANNELS, 1, 0, true, Conv2d.Init.XAVIER_UNIFORM),
                    features.get(i));
        }
        String[] topDown = new String[4];
        topDown[3] = lateral[3];
        for (int i = 2; i >= 0; i--) {
            topDown[i] = "neck_topdown_" + i;
            g.addVertex(topDown[i], ResizeVertex.addedTo(Interpolation.Mode.NEAREST), topDown[i + 1], lateral[i]);
        }
        String[] headOut = new String[4];
        for (int i = 0; i < 4; i++) {
            g.addLayer(neckOutput(i), new Conv2d(NECK_CHANNELS, NECK_CHANNELS, 3, 1, true,
                    Conv2d.Init.XAVIER_UNIFORM), topDown[i]);
            String previous = neckOutput(i);
            for (int j = 0; j < blocks(i); j++) {
                String block = "decode_head_scale_heads_" + i + "_" + (2 * j);
                g.addLayer(block + "_conv", new Conv2d(j == 0 ? NECK_CHANNELS : HEAD_CHANNELS, HEAD_CHANNELS, 3, 1,
                        false, Conv2d.Init.KAIMING_FAN_OUT), previous);
                g.addLayer(block + "_bn", normMode == NormMode.FROZEN ? new FrozenBatchNorm(HEAD_CHANNELS, 1e-5)
                        : new BatchNormalization.Builder().nOut(HEAD_CHANNELS).eps(1e-5).decay(0.9)
                        .useLogStd(false).build(), block + "_conv");
                g.addLayer(block + "_relu", new ActivationLayer(Activation.RELU), block + "_bn");
                previous = block + "_relu";
                if (i > 0) {
                    String up = "decode_head_scale_heads_" + i + "_" + (2 * j + 1) + "_up";
                    g.addVertex(up, ResizeVertex.scaled(Interpolation.Mode.BILINEAR, 2.0), previous);
                    previous = up;
                }
            }
            headOut[i] = previous;
        }
        String sum = headOut[0];
        for (int i = 1; i < 4; i++) {
            String next = "decode_head_sum_" + i;
            g.addVertex(next, ResizeVertex.addedTo(Interpolation.Mode.BILINEAR), headOut[i], sum);
            sum = next;
        }
        String classifierInput = sum;
        if (dropout > 0) {
            // Dropout2d: whole channels dropped in training, identity in inference.
            g.addLayer("decode_head_dropout", new DropoutLayer.Builder(new SpatialDropout(1.0 - dropout)).build(),
                    sum);
            classifierInput = "decode_head_dropout";
        }
        g.addLayer(LOGITS_QUARTER, new Conv2d(HEAD_CHANNELS, numClasses, 1, 0, true, Conv2d.Init.NORMAL_001),
                classifierInput);
        g.addVertex(LOGITS, ResizeVertex.like(Interpolation.Mode.BILINEAR), LOGITS_QUARTER, image);
        g.addLayer(LOSS, loss, LOGITS);
    }

    /**
     * The mmseg module path of a head vertex ({@code neck_lateral_convs_0_conv} to {@code neck.lateral_convs.0.conv},
     * {@code decode_head_scale_heads_1_0_bn} to {@code decode_head.scale_heads.1.0.bn}), or null for vertices
     * without parameters or outside the head.
     */
    public static String moduleOf(String vertex) {
        for (String prefix : List.of("neck_lateral_convs_", "neck_fpn_convs_")) {
            if (vertex.startsWith(prefix) && vertex.endsWith("_conv")) {
                String level = vertex.substring(prefix.length(), vertex.length() - "_conv".length());
                return "neck." + prefix.substring("neck_".length(), prefix.length() - 1) + "." + level + ".conv";
            }
        }
        if (vertex.equals(LOGITS_QUARTER)) {
            return "decode_head.conv_seg";
        }
        String prefix = "decode_head_scale_heads_";
        if (vertex.startsWith(prefix) && (vertex.endsWith("_conv") || vertex.endsWith("_bn"))) {
            String[] parts = vertex.substring(prefix.length()).split("_");
            return "decode_head.scale_heads." + parts[0] + "." + parts[1] + "." + parts[2];
        }
        return null;
    }

    /** The mmseg parameter name of a DL4J parameter of a conv or batch-norm vertex. */
    public static String parameterOf(String param) {
        return switch (param) {
            case "gamma", "weight" -> "weight";
            case "beta", "bias" -> "bias";
            case "mean", FrozenBatchNorm.MEAN -> "running_mean";
            case "var", FrozenBatchNorm.VAR -> "running_var";
            default -> throw new IllegalArgumentException("No mmseg name for head parameter '" + param + "'");
        };
    }

    /** The number of classes of a model built by {@link #addTo}. */
    public static int numClasses(org.deeplearning4j.nn.graph.ComputationGraph model) {
        return (int) model.getLayer(LOGITS_QUARTER).getParam(Conv2d.WEIGHT).size(0);
    }
}
