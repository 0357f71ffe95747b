package org.fec.zoo.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Round trips, NumPy byte-compatibility and crafted files for {@link Npy}. */
class NpyTest {
    @TempDir
    Path tmp;

    /** A .npy file built by hand: any header dict text and raw data bytes. */
    private Path crafted(String name, int major, String dict, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(NpyHeader.MAGIC);
        out.write(major);
        out.write(0);
        String padded = dict + " ".repeat(7) + "\n";
        byte[] text = padded.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) text.length);
        } else {
            len.putInt(text.length);
        }
        out.write(len.array());
        out.write(text);
        out.write(data);
        Path f = tmp.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    private static byte[] floatsBytes(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in: " + e.getMessage());
        }
    }

    // ---- round trips --------------------------------------------------------------------------

    @Test
    void roundTripEveryWritableType() throws IOException {
        List<INDArray> arrays = List.of(
                Nd4j.create(new float[] {1.5f, -2f, Float.MAX_VALUE, Float.MIN_VALUE, 0f, Float.NaN}, new long[] {2, 3},
                        DataType.FLOAT),
                Nd4j.create(new double[] {Math.PI, -1e300, 1e-320}, new long[] {3}, DataType.DOUBLE),
                Nd4j.create(new long[] {Long.MIN_VALUE, -1, 1L << 62, 7}, new long[] {2, 1, 2}, DataType.LONG),
                Nd4j.create(new int[] {Integer.MIN_VALUE, 0, 42, -7}, new long[] {4, 1}, DataType.INT),
                Nd4j.create(new int[] {0, 200, 255}, new long[] {3}, DataType.UBYTE),
                Nd4j.create(new boolean[] {true, false, true, true}, new long[] {2, 2}, DataType.BOOL));
        for (INDArray a : arrays) {
            Path f = tmp.resolve(a.dataType() + ".npy");
            Npy.write(f, a);
            INDArray back = Npy.read(f);
            assertEquals(a.dataType(), back.dataType());
            assertArrayEquals(a.shape(), back.shape());
            if (a.dataType() == DataType.FLOAT) { // bitwise, so that NaN and MIN_VALUE count too
                float[] x = a.data().asFloat();
                float[] y = back.data().asFloat();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i);
                }
            } else {
                assertEquals(a, back, a.dataType().toString());
            }
        }
    }

    @Test
    void roundTripScalars1dAnd4d() throws IOException {
        INDArray scalar = Nd4j.scalar(3.25f);
        Npy.write(tmp.resolve("s.npy"), scalar);
        INDArray s = Npy.read(tmp.resolve("s.npy"));
        assertEquals(0, s.rank());
        assertEquals(3.25f, s.getFloat(0));
        assertArrayEquals(new long[0], Npy.shape(tmp.resolve("s.npy")));

        INDArray ls = Nd4j.scalar(-9L);
        Npy.write(tmp.resolve("ls.npy"), ls);
        assertEquals(-9L, Npy.read(tmp.resolve("ls.npy")).getLong(0));

        double[] seventeen = new double[17];
        for (int i = 0; i < 17; i++) {
            seventeen[i] = i / 16.0;
        }
        INDArray v = Nd4j.create(seventeen, new long[] {17}, DataType.DOUBLE);
        Npy.write(tmp.resolve("v.npy"), v);
        assertEquals(v, Npy.read(tmp.resolve("v.npy")));
        assertArrayEquals(new long[] {17}, Npy.shape(tmp.resolve("v.npy")));

        INDArray four = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        Npy.write(tmp.resolve("4d.npy"), four);
        INDArray back = Npy.read(tmp.resolve("4d.npy"));
        assertArrayEquals(new long[] {2, 3, 4, 5}, back.shape());
        assertEquals(four, back);
        assertEquals(four.getFloat(1, 2, 3, 4), back.getFloat(1, 2, 3, 4));
    }

    @Test
    void writesViewsAndFortranArraysInLogicalCOrder() throws IOException {
        INDArray m = Nd4j.create(new float[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, DataType.FLOAT);
        Npy.write(tmp.resolve("t.npy"), m.transpose());
        INDArray t = Npy.read(tmp.resolve("t.npy"));
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.data().asFloat());

        INDArray f = m.dup('f');
        Npy.write(tmp.resolve("f.npy"), f);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, Npy.read(tmp.resolve("f.npy")).data().asFloat());

        long[] twelve = new long[12];
        for (int i = 0; i < 12; i++) {
            twelve[i] = i;
        }
        INDArray slice = Nd4j.create(twelve, new long[] {3, 4}, DataType.LONG).get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3), org.nd4j.linalg.indexing.NDArrayIndex.point(2));
        Npy.write(tmp.resolve("slice.npy"), slice);
        assertArrayEquals(new long[] {6, 10}, Npy.read(tmp.resolve("slice.npy")).data().asLong());
    }

    // ---- byte compatibility with NumPy --------------------------------------------------------

    @Test
    void headerIsByteIdenticalToNumpy() throws IOException {
        // np.save(f, np.zeros((2, 3), np.float32)) with numpy 1.24 / 2.x: 128-byte header
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] expected = new byte[128];
        byte[] prefix = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 'v', 0};
        System.arraycopy(prefix, 0, expected, 0, prefix.length);
        byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, expected, 10, d.length);
        Arrays.fill(expected, 10 + d.length, 127, (byte) ' ');
        expected[127] = '\n';

        Path f = tmp.resolve("h.npy");
        Npy.write(f, Nd4j.zeros(DataType.FLOAT, 2, 3));
        byte[] all = Files.readAllBytes(f);
        assertEquals(128 + 24, all.length);
        assertArrayEquals(expected, Arrays.copyOf(all, 128));
    }

    @Test
    void headerPaddingFollowsNumpyForOtherShapes() {
        // lengths np.save produces (numpy 2.4): 1-D, scalar, a 30-d shape whose header spills past 128
        assertEquals(128, new NpyHeader("<i8", false, new long[] {5}).encode().length);
        assertEquals(128, new NpyHeader("<f8", false, new long[0]).encode().length);
        long[] ones = new long[30];
        Arrays.fill(ones, 1);
        byte[] h = new NpyHeader("<f4", false, ones).encode();
        assertEquals(192, h.length);
        assertEquals(182, (h[8] & 0xff) | (h[9] & 0xff) << 8);
        // NumPy reserves room for the growth axis (first dim, last if fortran_order): these lengths
        // come from numpy.lib.format.write_array_header_1_0 and differ without that rule
        long[] sixteenOnes = new long[16];
        Arrays.fill(sixteenOnes, 1);
        assertEquals(192, new NpyHeader("<f4", false, sixteenOnes).encode().length);
        long[] bigLast = new long[12];
        Arrays.fill(bigLast, 1);
        bigLast[11] = 123456789012L;
        assertEquals(192, new NpyHeader("<f4", false, bigLast).encode().length);
        assertEquals(128, new NpyHeader("<f4", true, bigLast).encode().length);
        byte[] f = new NpyHeader("<f4", true, bigLast).encode();
        assertEquals(118, (f[8] & 0xff) | (f[9] & 0xff) << 8);
        assertEquals('\n', f[127]);
        assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }",
                new NpyHeader("<i8", false, new long[] {5}).dictLiteral());
        assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                new NpyHeader("<f8", false, new long[0]).dictLiteral());
    }

    // ---- crafted files ------------------------------------------------------------------------

    @Test
    void fortranOrderIsConvertedToC() throws IOException {
        // the 2x3 matrix [[1,2,3],[4,5,6]] stored column-major
        Path f = crafted("f.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6));
        INDArray a = Npy.read(f);
        assertEquals(Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.FLOAT), a);
        assertEquals('c', a.ordering());

        // 3-D: element (i,j,k) = 100i + 10j + k, stored with i fastest
        float[] fdata = new float[2 * 3 * 4];
        int n = 0;
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    fdata[n++] = 100 * i + 10 * j + k;
                }
            }
        }
        INDArray b = Npy.read(crafted("f3.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, fdata)));
        assertEquals(123f, b.getFloat(1, 2, 3));
        assertEquals(21f, b.getFloat(0, 2, 1));
        assertEquals(102f, b.getFloat(1, 0, 2));
    }

    @Test
    void bigEndianData() throws IOException {
        INDArray f4 = Npy.read(crafted("be4.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                floatsBytes(ByteOrder.BIG_ENDIAN, 1.5f, -2f, 1e-3f)));
        assertArrayEquals(new float[] {1.5f, -2f, 1e-3f}, f4.data().asFloat());

        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(Math.E).putDouble(-0.25);
        INDArray f8 = Npy.read(crafted("be8.npy", 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 1), }",
                d.array()));
        assertEquals(DataType.DOUBLE, f8.dataType());
        assertEquals(Math.E, f8.getDouble(0, 0));
        assertEquals(-0.25, f8.getDouble(1, 0));

        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(-123456789012L);
        INDArray i8 = Npy.read(crafted("be_i8.npy", 1, "{'descr': '>i8', 'fortran_order': False, 'shape': (), }",
                l.array()));
        assertEquals(-123456789012L, i8.getLong(0));
    }

    @Test
    void format2And3HeadersAndPython2Longs() throws IOException {
        Path v2 = crafted("v2.npy", 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, 7f, 8f));
        assertArrayEquals(new float[] {7f, 8f}, Npy.read(v2).data().asFloat());
        Path v3 = crafted("v3.npy", 3, "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1L, 2L)}",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, 9f, 10f));
        assertArrayEquals(new long[] {1, 2}, Npy.shape(v3));
        assertEquals(10f, Npy.read(v3).getFloat(0, 1));
        assertEquals(new NpyHeader("<f4", false, new long[] {1, 2}), Npy.header(v3));
    }

    @Test
    void uint8AndBoolFromNumpyDescrs() throws IOException {
        INDArray u = Npy.read(crafted("u1.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {0, (byte) 200, (byte) 255}));
        assertEquals(DataType.UBYTE, u.dataType());
        assertEquals(200, u.getInt(1));
        INDArray b = Npy.read(crafted("b1.npy", 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
                new byte[] {1, 0}));
        assertEquals(DataType.BOOL, b.dataType());
        assertTrue(b.getDouble(0) != 0);
        assertFalse(b.getDouble(1) != 0);
    }

    // ---- errors -------------------------------------------------------------------------------

    @Test
    void truncatedData() throws IOException {
        Path f = crafted("trunc.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, 1, 2, 3));
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertMentions(e, f.toString(), "truncated data: expected 24 bytes got 12");
        assertArrayEquals(new long[] {2, 3}, Npy.shape(f)); // the header alone is fine
    }

    @Test
    void truncatedWrittenFile() throws IOException {
        Path f = tmp.resolve("w.npy");
        Npy.write(f, Nd4j.rand(DataType.FLOAT, 4, 4));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 5));
        assertMentions(assertThrows(IOException.class, () -> Npy.read(f)), "expected 64 bytes got 59");
        Files.write(f, Arrays.copyOf(all, 60));
        assertMentions(assertThrows(IOException.class, () -> Npy.read(f)), "truncated header");
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        Path f = crafted("long.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                floatsBytes(ByteOrder.LITTLE_ENDIAN, 1, 2));
        assertMentions(assertThrows(IOException.class, () -> Npy.read(f)), "4 unexpected trailing bytes");
    }

    @Test
    void badMagicUnsupportedDtypeAndBadHeaders() throws IOException {
        Path notNpy = tmp.resolve("x.npy");
        Files.writeString(notNpy, "PK\u0003\u0004 this is a zip, not an npy file");
        assertMentions(assertThrows(IOException.class, () -> Npy.read(notNpy)), notNpy.toString(), "bad magic");

        Path c8 = crafted("c8.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(c8)), c8.toString(), "unsupported dtype \"<c8\"");

        Path f2 = crafted("f2.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new byte[2]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(f2)), "unsupported dtype \"<f2\"");

        Path structured = crafted("st.npy", 1,
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(structured)), "unsupported dtype");

        Path garbage = crafted("g.npy", 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", new byte[4]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(garbage)), "malformed .npy header");

        Path missingKey = crafted("mk.npy", 1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(missingKey)), "fortran_order");

        Path version = crafted("v9.npy", 9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertMentions(assertThrows(IOException.class, () -> Npy.read(version)), "format version 9.0");

        Path missing = tmp.resolve("missing.npy");
        assertMentions(assertThrows(NoSuchFileException.class, () -> Npy.read(missing)), missing.toString());
    }

    // ---- atomic write -------------------------------------------------------------------------

    @Test
    void writeLeavesNoTemporaryFilesAndReplacesAtomically() throws IOException {
        Path f = tmp.resolve("a.npy");
        Npy.write(f, Nd4j.ones(DataType.FLOAT, 3));
        Npy.write(f, Nd4j.zeros(DataType.DOUBLE, 2, 2));
        assertEquals(Nd4j.zeros(DataType.DOUBLE, 2, 2), Npy.read(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void unsupportedTypeWritesNothing() throws IOException {
        Path f = tmp.resolve("half.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(f, Nd4j.ones(DataType.HALF, 2)));
        assertMentions(e, "HALF", f.toString());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }
}
