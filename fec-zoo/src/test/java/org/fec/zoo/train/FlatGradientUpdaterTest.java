package org.fec.zoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.zoo.FecConfig;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.FecZooModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class FlatGradientUpdaterTest {

    private static ComputationGraph graph() {
        return FecGraphs.create(FecConfig.named("fec_small"), new FecGraphs.Options().numClasses(3)
                .inputSize(32, 32).seed(7).updater(new Adam(1e-2)).weightDecay(0.05).dropPathRate(0.0));
    }

    /** A fixed batch per seed (ND4J's global generator does not repeat its values after setSeed). */
    private static DataSet batch(int seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] pixels = new float[4 * 3 * 32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        INDArray x = Nd4j.create(pixels, new long[]{4, 3, 32, 32}, DataType.FLOAT);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    /**
     * Guard: DL4J M2.1 hands its updater a reshaped copy of the gradient view, which sends every update down the
     * slow "external gradient" path. When this starts failing, upstream changed and the workaround may go.
     */
    @Test
    void stockGradientIsNotTheUpdatersView() {
        ComputationGraph g = graph();
        g.fit(batch(1));
        assertNotSame(g.getUpdater().getFlattenedGradientsView(), g.gradient().gradient());
    }

    @Test
    void updatesEqualDl4jsAndInstallKeepsTheState() {
        ComputationGraph stock = graph();
        ComputationGraph flat = FlatGradientUpdater.install(graph());
        assertInstanceOf(FlatGradientUpdater.class, flat.getUpdater());
        assertEquals(stock.params(), flat.params());
        for (int step = 0; step < 3; step++) {
            stock.fit(batch(step));
            flat.fit(batch(step));
        }
        assertEquals(stock.params(), flat.params(), "parameters after 3 Adam + weight-decay steps");
        assertEquals(stock.getUpdater().getStateViewArray(), flat.getUpdater().getStateViewArray());

        // Installing on a trained graph (e.g. a restored checkpoint) keeps its Adam moments.
        INDArray moments = stock.getUpdater().getStateViewArray();
        FlatGradientUpdater.install(stock);
        assertSame(moments, stock.getUpdater().getStateViewArray());
        stock.fit(batch(9));
        flat.fit(batch(9));
        assertEquals(stock.params(), flat.params());
        assertSame(flat, FlatGradientUpdater.install(flat));
    }

    @Test
    void zooGraphsComeWithIt() {
        ComputationGraph g = FecZooModel.builder("fec_small").numClasses(3).inputShape(new int[]{3, 32, 32}).build()
                .init();
        assertInstanceOf(FlatGradientUpdater.class, g.getUpdater());
    }
}
