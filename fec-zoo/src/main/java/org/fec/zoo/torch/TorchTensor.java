package org.fec.zoo.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One tensor of a checkpoint: name, shape, dtype and its elements in C (row-major) order.
 * The elements are kept as the raw little-endian bytes of the storage (no boxing); the
 * {@code to*} methods return fresh copies, so a TorchTensor is immutable.
 */
public final class TorchTensor {
    private final String name;
    private final TorchDType dtype;
    private final long[] shape;
    private final int numel;
    /** Little-endian C-order elements start at {@code bytes[offset]}; may be shared with other tensors. */
    private final byte[] bytes;
    private final int offset;

    TorchTensor(String name, TorchDType dtype, long[] shape, byte[] bytes, int offset) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.numel = Math.toIntExact(numelOf(shape));
        if (offset < 0 || (long) offset + (long) numel * dtype.itemSize() > bytes.length) {
            throw new IllegalArgumentException("tensor '" + name + "': data out of range");
        }
        this.bytes = bytes;
        this.offset = offset;
    }

    /** The same data under another name (used to strip a {@code module.} prefix). */
    TorchTensor renamed(String newName) {
        return new TorchTensor(newName, dtype, shape, bytes, offset);
    }

    static long numelOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public TorchDType dtype() {
        return dtype;
    }

    /** Number of elements (1 for a 0-d tensor). */
    public long numel() {
        return numel;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, offset, numel * dtype.itemSize()).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** All elements as double (exact for every dtype except INT64 values beyond 2^53). */
    public double[] toDoubleArray() {
        double[] out = new double[numel];
        ByteBuffer b = buffer();
        switch (dtype) {
            case FLOAT64 -> b.asDoubleBuffer().get(out);
            case FLOAT32, FLOAT16, BFLOAT16 -> {
                float[] f = toFloatArray();
                for (int i = 0; i < numel; i++) {
                    out[i] = f[i];
                }
            }
            default -> {
                long[] l = integerElements(b);
                for (int i = 0; i < numel; i++) {
                    out[i] = l[i];
                }
            }
        }
        return out;
    }

    /** All elements as float (FLOAT64 and large integers are rounded to the nearest float). */
    public float[] toFloatArray() {
        float[] out = new float[numel];
        ByteBuffer b = buffer();
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get(out);
            case FLOAT64 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = HalfPrecision.halfToFloat(b.getShort(i * 2));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = HalfPrecision.bfloat16ToFloat(b.getShort(i * 2));
                }
            }
            default -> {
                long[] l = integerElements(b);
                for (int i = 0; i < numel; i++) {
                    out[i] = l[i];
                }
            }
        }
        return out;
    }

    /**
     * All elements as long; only for integer and bool tensors (bool gives 0/1).
     *
     * @throws IllegalStateException for floating-point tensors (no silent truncation)
     */
    public long[] toLongArray() {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("tensor '" + name + "' is " + dtype
                    + "; use toFloatArray() or toDoubleArray()");
        }
        return integerElements(buffer());
    }

    private long[] integerElements(ByteBuffer b) {
        long[] out = new long[numel];
        switch (dtype) {
            case INT64 -> b.asLongBuffer().get(out);
            case INT32 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case INT16 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case INT8 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = b.get(i);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            case BOOL -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = b.get(i) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalStateException("not an integer dtype: " + dtype);
        }
        return out;
    }

    /**
     * A new C-order INDArray of the given data type with this tensor's shape (rank 0 for a 0-d
     * tensor). Values are converted as ND4J's {@code castTo} does when {@code dt} differs from
     * the tensor's natural type.
     */
    public INDArray toINDArray(DataType dt) {
        INDArray natural = switch (dtype) {
            case FLOAT64 -> Nd4j.create(toDoubleArray(), shape, DataType.DOUBLE);
            case FLOAT32, FLOAT16, BFLOAT16 -> Nd4j.create(toFloatArray(), shape, DataType.FLOAT);
            case INT64 -> Nd4j.create(toLongArray(), shape, DataType.LONG);
            case BOOL -> {
                long[] l = toLongArray();
                boolean[] z = new boolean[numel];
                for (int i = 0; i < numel; i++) {
                    z[i] = l[i] != 0;
                }
                yield Nd4j.create(z, shape, DataType.BOOL);
            }
            default -> { // INT32, INT16, INT8, UINT8 all fit in int
                long[] l = toLongArray();
                int[] v = new int[numel];
                for (int i = 0; i < numel; i++) {
                    v[i] = (int) l[i];
                }
                yield Nd4j.create(v, shape, DataType.INT);
            }
        };
        return natural.dataType() == dt ? natural : natural.castTo(dt);
    }

    @Override
    public String toString() {
        return "TorchTensor[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
