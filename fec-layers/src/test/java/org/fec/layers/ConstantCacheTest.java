package org.fec.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class ConstantCacheTest {

    @Test
    void buildsOncePerKeyOutsideWorkspacesAndDropsTheLeastRecentlyUsed() {
        ConstantCache cache = new ConstantCache(2);
        AtomicInteger builds = new AtomicInteger();
        INDArray a;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(
                WorkspaceConfiguration.builder().initialSize(1 << 20).build(), "ConstantCacheTest")) {
            a = cache.get("a", () -> {
                builds.incrementAndGet();
                return Nd4j.ones(DataType.FLOAT, 3);
            });
        }
        assertFalse(a.isAttached(), "a cached array must outlive the workspace that asked for it");
        assertSame(a, cache.get("a", () -> Nd4j.zeros(DataType.FLOAT, 3)));
        cache.get("b", () -> Nd4j.zeros(DataType.FLOAT, 1));
        cache.get("a", () -> Nd4j.zeros(DataType.FLOAT, 1));     // "a" is now the most recently used
        cache.get("c", () -> Nd4j.zeros(DataType.FLOAT, 1));     // so "b" goes
        assertEquals(2, cache.size());
        assertSame(a, cache.get("a", () -> Nd4j.zeros(DataType.FLOAT, 3)));
        INDArray rebuilt = cache.get("b", () -> {
            builds.incrementAndGet();
            return Nd4j.zeros(DataType.FLOAT, 1);
        });
        assertEquals(1, rebuilt.length());
        assertEquals(2, builds.get());
    }
}
