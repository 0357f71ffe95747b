package org.fec.datavec.ade20k;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One transformed sample: {@code image} float32 [3, H, W] (normalised RGB), {@code label} float32 [1, h, w] (class
 * ids, {@value LabelMaps#IGNORE_INDEX} = ignore). After {@link SegTrainTransform} both have the crop size; after
 * {@link SegEvalTransform} the label keeps the original image size while the image is resized.
 */
public record SegSample(INDArray image, INDArray label) {
}
