package org.fec.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The four stage outputs of an FEC backbone, ready for segmentation and detection necks. */
public final class FecFeatures {

    private FecFeatures() {
    }

    /** One stage output: NCHW map at {@code stride} with {@code channels} channels. */
    public record StageFeature(String name, int stride, long channels, INDArray map) {
    }

    /** Runs a backbone ({@code fec_*_seg} / {@code fec_*_det}) in inference mode on NCHW images. */
    public static List<StageFeature> extract(ComputationGraph backbone, INDArray images) {
        Map<String, INDArray> acts = backbone.feedForward(images, false);
        List<StageFeature> out = new ArrayList<>(4);
        for (int s = 0; s < 4; s++) {
            String name = FecGraphs.FEATURES.get(s);
            INDArray map = acts.get(name);
            if (map == null) {
                throw new IllegalArgumentException("Not an FEC backbone: it has no output '" + name + "'");
            }
            out.add(new StageFeature(name, 4 << s, map.size(1), map));
        }
        return out;
    }
}
