package org.fec.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** PyTorch's adaptive average pooling bins along one axis, as a constant averaging matrix. */
public final class AdaptivePooling {

    private AdaptivePooling() {
    }

    /** First input index of output bin {@code i}: {@code floor(i * in / out)}. */
    public static long binStart(long i, long in, long out) {
        return Math.floorDiv(i * in, out);
    }

    /** One past the last input index of output bin {@code i}: {@code ceil((i + 1) * in / out)}. */
    public static long binEnd(long i, long in, long out) {
        return -Math.floorDiv(-(i + 1) * in, out);
    }

    /** [out, in] matrix whose row i averages the inputs of bin i (bins may be uneven and overlap). */
    public static INDArray matrix(long in, long out, DataType dataType) {
        double[][] p = new double[(int) out][(int) in];
        for (int i = 0; i < out; i++) {
            long s = binStart(i, in, out);
            long e = binEnd(i, in, out);
            for (long j = s; j < e; j++) {
                p[i][(int) j] = 1.0 / (e - s);
            }
        }
        return Nd4j.create(p).castTo(dataType);
    }
}
