package org.fec.layers;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScratchTest {

    @Test
    void heapArraysAreReusedBySizeClass() {
        Scratch pool = new Scratch();
        float[] a = pool.heapArray(3000);
        assertEquals(4096, a.length);
        pool.keep(a);
        float[] b = pool.heapArray(2049);                   // the same class: the recycled array comes back
        assertTrue(a == b, "the recycled array comes back");
        float[] c = pool.heapArray(2049);                   // none left: a new one
        assertTrue(a != c, "a new array when none is free");
        assertEquals(1024, pool.heapArray(1).length);
        pool.keep(b, c);
        // Arrays that did not come from Scratch (not a power of two) are not taken.
        float[] odd = new float[5000];
        pool.keep(odd);
        for (int i = 0; i < 3; i++) {
            assertTrue(odd != pool.heapArray(5000), "an array not from the pool is not taken");
        }
        assertThrows(IllegalArgumentException.class, () -> pool.heapArray(-1));
    }

    @Test
    void directBuffersComeBackRewound() {
        Scratch pool = new Scratch();
        FloatBuffer a = pool.directBuffer(70000);
        assertEquals(131072, a.capacity());
        assertTrue(a.isDirect());
        a.position(100);
        pool.keep(a);
        FloatBuffer b = pool.directBuffer(65537);
        assertTrue(a == b, "the recycled buffer comes back");
        assertEquals(0, b.position());
        assertEquals(b.capacity(), b.limit());
        pool.keep(b);
        // The shared pool's static methods hand out the same kinds of arrays.
        float[] shared = Scratch.floats(100);
        assertEquals(1024, shared.length);
        Scratch.recycle(shared);
    }
}
