package org.fec.zoo.torch;

import static org.fec.zoo.torch.TorchSaveWriter.contiguous;
import static org.fec.zoo.torch.TorchSaveWriter.map;
import static org.fec.zoo.torch.TorchSaveWriter.stateDict;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.fec.zoo.torch.TorchSaveWriter.Param;
import org.fec.zoo.torch.TorchSaveWriter.Storage;
import org.fec.zoo.torch.TorchSaveWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Element types, storage offsets and strides of crafted checkpoints. */
class TensorDataTest {
    @TempDir
    Path tmp;

    private TorchTensor single(Object tensor) throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("t.pth"), stateDict(map("x", tensor)));
        return TorchCheckpoint.read(f).tensor("x");
    }

    @Test
    void float32ValuesAreBitExact() throws IOException {
        float[] v = {0f, -0f, 1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN,
            Float.NEGATIVE_INFINITY, 0.1f, (float) Math.PI};
        TorchTensor t = single(contiguous(TorchSaveWriter.floats("0", v), 2, 5));
        assertEquals(TorchDType.FLOAT32, t.dtype());
        assertArrayEquals(new long[] {2, 5}, t.shape());
        assertEquals(10, t.numel());
        float[] got = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(got[i]), "element " + i);
        }
        double[] d = t.toDoubleArray();
        assertEquals(0.1f, (float) d[8]);
        assertEquals((double) 0.1f, d[8]);
        INDArray a = t.toINDArray(DataType.FLOAT);
        assertEquals(DataType.FLOAT, a.dataType());
        assertArrayEquals(new long[] {2, 5}, a.shape());
        assertEquals(-2.25f, a.getFloat(0, 3));
        assertEquals((float) Math.PI, a.getFloat(1, 4));
        INDArray ad = t.toINDArray(DataType.DOUBLE);
        assertEquals(DataType.DOUBLE, ad.dataType());
        assertEquals((double) 0.1f, ad.getDouble(1, 3));
    }

    @Test
    void float64() throws IOException {
        TorchTensor t = single(contiguous(TorchSaveWriter.doubles("0", Math.PI, -1e300, 1e-320, 0.1), 4));
        assertEquals(TorchDType.FLOAT64, t.dtype());
        assertArrayEquals(new double[] {Math.PI, -1e300, 1e-320, 0.1}, t.toDoubleArray());
        float[] f = t.toFloatArray();
        assertEquals((float) Math.PI, f[0]);
        assertEquals(Float.NEGATIVE_INFINITY, f[1]);
        assertEquals(Math.PI, t.toINDArray(DataType.DOUBLE).getDouble(0));
    }

    @Test
    void float16KnownBitPatterns() throws IOException {
        // 1, -2, 65504 (max), 2^-24 (min subnormal), 2^-14 (min normal), 0.333251953125, -0, +inf, NaN
        int[] bits = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x3555, 0x8000, 0x7C00, 0x7E00};
        TorchTensor t = single(contiguous(TorchSaveWriter.shorts("0", "HalfStorage", bits), 9));
        assertEquals(TorchDType.FLOAT16, t.dtype());
        float[] f = t.toFloatArray();
        assertEquals(1f, f[0]);
        assertEquals(-2f, f[1]);
        assertEquals(65504f, f[2]);
        assertEquals(0x1p-24f, f[3]);
        assertEquals(0x1p-14f, f[4]);
        assertEquals(0.333251953125f, f[5]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f[6]));
        assertEquals(Float.POSITIVE_INFINITY, f[7]);
        assertTrue(Float.isNaN(f[8]));
        INDArray h = t.toINDArray(DataType.HALF);
        assertEquals(DataType.HALF, h.dataType());
        assertEquals(0.333251953125, h.getDouble(5));
    }

    @Test
    void bfloat16KnownBitPatterns() throws IOException {
        int[] bits = {0x3F80, 0xC020, 0x4049, 0x0001, 0xFF80};
        TorchTensor t = single(contiguous(TorchSaveWriter.shorts("0", "BFloat16Storage", bits), 5));
        assertEquals(TorchDType.BFLOAT16, t.dtype());
        float[] f = t.toFloatArray();
        assertEquals(1f, f[0]);
        assertEquals(-2.5f, f[1]);
        assertEquals(3.140625f, f[2]);
        assertEquals(Float.intBitsToFloat(0x00010000), f[3]);
        assertEquals(Float.NEGATIVE_INFINITY, f[4]);
        assertEquals(DataType.BFLOAT16, t.toINDArray(DataType.BFLOAT16).dataType());
    }

    @Test
    void int64AndInt32() throws IOException {
        long[] big = {0, -1, 1L << 62, Long.MIN_VALUE, 123456789012L, 7};
        TorchTensor l = single(contiguous(TorchSaveWriter.longs("0", big), 3, 2));
        assertEquals(TorchDType.INT64, l.dtype());
        assertArrayEquals(big, l.toLongArray());
        INDArray la = l.toINDArray(DataType.LONG);
        assertEquals(DataType.LONG, la.dataType());
        assertEquals(1L << 62, la.getLong(1, 0));
        assertEquals(123456789012.0, l.toDoubleArray()[4]);

        TorchTensor i = single(contiguous(TorchSaveWriter.ints("0", -5, 0, Integer.MAX_VALUE, 42), 4));
        assertEquals(TorchDType.INT32, i.dtype());
        assertArrayEquals(new long[] {-5, 0, Integer.MAX_VALUE, 42}, i.toLongArray());
        INDArray ia = i.toINDArray(DataType.INT);
        assertEquals(DataType.INT, ia.dataType());
        assertEquals(Integer.MAX_VALUE, ia.getInt(2));
        assertEquals(42f, i.toINDArray(DataType.FLOAT).getFloat(3));
    }

    @Test
    void smallIntegerTypesAndBool() throws IOException {
        TorchTensor u8 = single(contiguous(TorchSaveWriter.bytes("0", "ByteStorage", 0, 200, 255), 3));
        assertEquals(TorchDType.UINT8, u8.dtype());
        assertArrayEquals(new long[] {0, 200, 255}, u8.toLongArray());
        assertEquals(200, u8.toINDArray(DataType.UBYTE).getInt(1));

        TorchTensor i8 = single(contiguous(TorchSaveWriter.bytes("0", "CharStorage", -5, 127), 2));
        assertEquals(TorchDType.INT8, i8.dtype());
        assertArrayEquals(new long[] {-5, 127}, i8.toLongArray());

        TorchTensor i16 = single(contiguous(TorchSaveWriter.shorts("0", "ShortStorage", -300, 32767), 2));
        assertEquals(TorchDType.INT16, i16.dtype());
        assertArrayEquals(new long[] {-300, 32767}, i16.toLongArray());

        TorchTensor b = single(contiguous(TorchSaveWriter.bytes("0", "BoolStorage", 1, 0, 1), 3));
        assertEquals(TorchDType.BOOL, b.dtype());
        assertArrayEquals(new long[] {1, 0, 1}, b.toLongArray());
        INDArray ba = b.toINDArray(DataType.BOOL);
        assertEquals(DataType.BOOL, ba.dataType());
        assertEquals(Nd4j.create(new boolean[] {true, false, true}, new long[] {3}, DataType.BOOL), ba);
    }

    @Test
    void toLongArrayRefusesFloatingPoint() throws IOException {
        TorchTensor t = single(contiguous(TorchSaveWriter.floats("0", 1f), 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toLongArray);
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void scalarAndEmptyTensors() throws IOException {
        Storage s = TorchSaveWriter.longs("0", 42);
        TorchTensor scalar = single(new Tensor(s, 0, new long[0], new long[0]));
        assertArrayEquals(new long[0], scalar.shape());
        assertEquals(1, scalar.numel());
        assertArrayEquals(new long[] {42}, scalar.toLongArray());
        INDArray a = scalar.toINDArray(DataType.LONG);
        assertEquals(0, a.rank());
        assertEquals(42, a.getLong(0));

        TorchTensor empty = single(contiguous(TorchSaveWriter.floats("0"), 0, 3));
        assertArrayEquals(new long[] {0, 3}, empty.shape());
        assertEquals(0, empty.numel());
        assertEquals(0, empty.toFloatArray().length);
    }

    @Test
    void storageOffsetIsHonoured() throws IOException {
        Storage s = TorchSaveWriter.floats("0", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        TorchTensor t = single(new Tensor(s, 3, new long[] {2, 2}, new long[] {2, 1}));
        assertArrayEquals(new float[] {3, 4, 5, 6}, t.toFloatArray());
        // a contiguous view with an offset (shares the storage bytes)
        TorchTensor c = single(new Tensor(s, 7, new long[] {3}, new long[] {1}));
        assertArrayEquals(new float[] {7, 8, 9}, c.toFloatArray());
    }

    @Test
    void transposedViewIsMaterialisedInCOrder() throws IOException {
        Storage s = TorchSaveWriter.floats("0", 0, 1, 2, 3, 4, 5); // a 2x3 matrix
        TorchTensor t = single(new Tensor(s, 0, new long[] {3, 2}, new long[] {1, 3})); // its .t()
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
    }

    @Test
    void permutedThreeDimensionalViewMatchesNd4jPermute() throws IOException {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        // base [2,3,4] strides [12,4,1]; permute(2,0,1) -> size [4,2,3] strides [1,12,4]
        TorchTensor t = single(new Tensor(TorchSaveWriter.floats("0", v), 0, new long[] {4, 2, 3},
                new long[] {1, 12, 4}));
        INDArray expected = Nd4j.create(v, new long[] {2, 3, 4}, DataType.FLOAT).permute(2, 0, 1).dup('c');
        assertEquals(expected, t.toINDArray(DataType.FLOAT));
        assertArrayEquals(expected.data().asFloat(), t.toFloatArray());
    }

    @Test
    void broadcastStrideZeroView() throws IOException {
        TorchTensor t = single(new Tensor(TorchSaveWriter.floats("0", 5, 6), 1, new long[] {2, 3},
                new long[] {0, 0}));
        assertArrayEquals(new float[] {6, 6, 6, 6, 6, 6}, t.toFloatArray());
    }

    @Test
    void twoTensorsShareOneStorage() throws IOException {
        Storage s = TorchSaveWriter.floats("0", 1, 2, 3, 4, 5, 6);
        Path f = TorchSaveWriter.save(tmp.resolve("shared.pth"), stateDict(map(
                "whole", contiguous(s, 2, 3),
                "row1", new Tensor(s, 3, new long[] {3}, new long[] {1}),
                "col2", new Tensor(s, 2, new long[] {2}, new long[] {3}))));
        TorchCheckpoint ck = TorchCheckpoint.read(f);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ck.tensor("whole").toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6}, ck.tensor("row1").toFloatArray());
        assertArrayEquals(new float[] {3, 6}, ck.tensor("col2").toFloatArray());
    }

    @Test
    void returnedArraysAreCopies() throws IOException {
        TorchTensor t = single(contiguous(TorchSaveWriter.floats("0", 1, 2), 2));
        t.toFloatArray()[0] = 99;
        long[] shape = t.shape();
        shape[0] = 7;
        assertArrayEquals(new float[] {1, 2}, t.toFloatArray());
        assertArrayEquals(new long[] {2}, t.shape());
    }

    @Test
    void rebuildParameterWrapperIsUnwrapped() throws IOException {
        TorchTensor t = single(new Param(contiguous(TorchSaveWriter.floats("0", 1, 2, 3, 4), 2, 2)));
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
    }
}
