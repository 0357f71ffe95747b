package org.fec.segmentation;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.layers.Interpolation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-image inference as mmseg's {@code whole_inference} with {@code rescale=True}: the model's logits (at the
 * network input size) are resized bilinearly to the original image size, then the class is the arg-max.
 */
public final class SegPrediction {

    private SegPrediction() {
    }

    /** Logits [1, C, H, W] at the original size for one normalised image [1, 3, h, w]. */
    public static INDArray logits(ComputationGraph model, INDArray image, int originalHeight, int originalWidth) {
        INDArray out = model.outputSingle(false, image);
        return resize(out, originalHeight, originalWidth);
    }

    /** Class indices [H, W] (int) at the original size. */
    public static INDArray classes(ComputationGraph model, INDArray image, int originalHeight, int originalWidth) {
        INDArray logits = logits(model, image, originalHeight, originalWidth);
        return Nd4j.argMax(logits, 1).reshape(originalHeight, originalWidth).castTo(DataType.INT);
    }

    /** Bilinear ({@code align_corners=False}) resize of NCHW logits. */
    public static INDArray resize(INDArray logits, int height, int width) {
        if (logits.size(2) == height && logits.size(3) == width) {
            return logits;
        }
        return Interpolation.resize(logits, Interpolation.Mode.BILINEAR, height, width);
    }
}
