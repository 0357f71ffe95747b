package org.fec.zoo;

import org.deeplearning4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.IUpdater;

/** DL4J TransferLearning for FEC classifiers: a new head for N classes, optionally with a frozen backbone. */
public final class FecFineTune {

    private FecFineTune() {
    }

    /**
     * A copy of {@code classifier} whose head predicts {@code numClasses} classes (new weights, timm's
     * initialisation); the backbone keeps its weights and, when {@code freezeBackbone}, is frozen up to the final
     * norm and pooling.
     */
    public static ComputationGraph newHead(ComputationGraph classifier, int numClasses, boolean freezeBackbone,
                                           IUpdater updater) {
        if (classifier.getVertex(FecGraphs.HEAD) == null) {
            throw new IllegalArgumentException("Not an FEC classifier: it has no '" + FecGraphs.HEAD + "' vertex");
        }
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(classifier)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(updater).build())
                .nOutReplace(FecGraphs.HEAD, numClasses, new TruncatedNormalDistribution(0, 0.02));
        if (freezeBackbone) {
            b.setFeatureExtractor(FecGraphs.GLOBAL_POOL);
        }
        return b.build();
    }
}
