package org.fec.layers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Working arrays of the float Java passes, reused from call to call: heap arrays for the loops HotSpot vectorises,
 * off-heap buffers for OpenBLAS. Fresh arrays cost a young collection about once per inference batch (some 300 MB
 * of chunk arrays, each zeroed on allocation). A pass takes what it needs at the start of a task and gives it back
 * at the end; an array not given back (an exception) is simply left to the GC.
 *
 * <p>Contents are undefined: a caller that needs zeros writes them. Lengths are rounded up to powers of two, so a
 * few arrays serve every chunk size. Not thread-locals: the common fork-join pool's workers drop their
 * thread-locals after every top-level task (JDK 17), which made per-thread arrays as short-lived as the tasks.
 */
final class Scratch {

    /** Smallest size class. */
    private static final int MIN_LENGTH = 1 << 10;
    /** Arrays longer than this (64 MB of floats) are not kept. */
    private static final int MAX_KEPT_LENGTH = 1 << 24;
    private static final int CLASSES = 32;

    /** The pool the engine's passes share. */
    private static final Scratch SHARED = new Scratch();

    private final List<Queue<float[]>> heap = new ArrayList<>(CLASSES);
    private final List<Queue<FloatBuffer>> direct = new ArrayList<>(CLASSES);

    Scratch() {
        for (int i = 0; i < CLASSES; i++) {
            heap.add(new ConcurrentLinkedQueue<>());
            direct.add(new ConcurrentLinkedQueue<>());
        }
    }

    /** A heap array of at least {@code length} floats from the shared pool, contents undefined. */
    static float[] floats(int length) {
        return SHARED.heapArray(length);
    }

    /** Gives arrays from {@link #floats} back; the caller keeps no reference to them. */
    static void recycle(float[]... arrays) {
        SHARED.keep(arrays);
    }

    /** An off-heap buffer of at least {@code length} floats (position 0) from the shared pool, contents undefined. */
    static FloatBuffer direct(int length) {
        return SHARED.directBuffer(length);
    }

    /** Gives buffers from {@link #direct} back; the caller keeps no reference to them. */
    static void recycle(FloatBuffer... buffers) {
        SHARED.keep(buffers);
    }

    float[] heapArray(int length) {
        int k = sizeClass(length);
        float[] a = heap.get(k).poll();
        return a != null ? a : new float[1 << k];
    }

    void keep(float[]... arrays) {
        for (float[] a : arrays) {
            if (kept(a.length)) {
                heap.get(Integer.numberOfTrailingZeros(a.length)).offer(a);
            }
        }
    }

    FloatBuffer directBuffer(int length) {
        int k = sizeClass(length);
        FloatBuffer b = direct.get(k).poll();
        return b != null ? b : ByteBuffer.allocateDirect(Float.BYTES << k).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    void keep(FloatBuffer... buffers) {
        for (FloatBuffer b : buffers) {
            if (b.isDirect() && kept(b.capacity())) {
                b.clear();
                direct.get(Integer.numberOfTrailingZeros(b.capacity())).offer(b);
            }
        }
    }

    /** Whether an array of this length is one of the pool's size classes and small enough to keep. */
    private static boolean kept(int length) {
        return length >= MIN_LENGTH && length <= MAX_KEPT_LENGTH && Integer.bitCount(length) == 1;
    }

    /** The power-of-two class of a length: log2 of the smallest power of two at least max(length, MIN_LENGTH). */
    private static int sizeClass(int length) {
        if (length < 0 || length > 1 << 30) {
            throw new IllegalArgumentException("scratch length " + length + " is outside [0, 2^30]");
        }
        return 32 - Integer.numberOfLeadingZeros(Math.max(length, MIN_LENGTH) - 1);
    }
}
