package org.fec.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Constant arrays that depend only on shapes (pooling matrices, position channels), built once per key outside any
 * workspace so they outlive the caller's. The least recently used entry goes beyond {@code capacity}: dense
 * prediction meets a new input size with almost every image, and these arrays grow with the image.
 */
final class ConstantCache {

    private final Map<String, INDArray> entries;

    ConstantCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, INDArray> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized INDArray get(String key, Supplier<INDArray> build) {
        INDArray cached = entries.get(key);
        if (cached == null) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                cached = build.get();
            }
            entries.put(key, cached);
        }
        return cached;
    }

    synchronized int size() {
        return entries.size();
    }
}
