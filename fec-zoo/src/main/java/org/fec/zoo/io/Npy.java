package org.fec.zoo.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy {@code .npy} files to and from ND4J arrays.
 *
 * <p>Reads format 1.0, 2.0 and 3.0 with dtypes {@code f4 f8 i8 i4} (either byte order) and
 * {@code |u1 |b1}, C or Fortran order; the result is always a C-order array (rank 0 for shape ()).
 * Writes little-endian, C-order, format 1.0 files whose header is byte-identical to NumPy's.
 */
public final class Npy {
    private Npy() {
    }

    /** Reads the whole array. */
    public static INDArray read(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            Layout layout = readLayout(file, ch);
            long expected = Math.multiplyExact(layout.header.numel(), layout.type.type().itemSize);
            long available = ch.size() - layout.dataStart;
            if (available < expected) {
                throw new IOException(file + ": truncated data: expected " + expected + " bytes got " + available);
            }
            if (available > expected) {
                throw new IOException(file + ": " + (available - expected) + " unexpected trailing bytes after "
                        + expected + " bytes of data");
            }
            if (expected > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": arrays above 2 GiB are not supported (" + expected + " bytes)");
            }
            byte[] data = new byte[(int) expected];
            readFully(ch, ByteBuffer.wrap(data), layout.dataStart, file, "data");
            long[] shape = layout.header.shape();
            if (layout.header.fortranOrder() && shape.length > 1) {
                data = fortranToC(data, shape, layout.type.type().itemSize);
            }
            return toINDArray(data, shape, layout.type);
        }
    }

    /** Reads only the header. */
    public static NpyHeader header(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            return readLayout(file, ch).header;
        }
    }

    /** The array's shape, from the header alone. */
    public static long[] shape(Path file) throws IOException {
        return header(file).shape();
    }

    /**
     * Writes {@code array} as {@code <f4}, {@code <f8}, {@code <i8}, {@code <i4}, {@code |u1} or
     * {@code |b1} (by its data type), C order, format 1.0. The file is written under a temporary name
     * in the same directory and renamed into place, so readers never see a partial file.
     *
     * @throws IllegalArgumentException for other data types (e.g. HALF)
     */
    public static void write(Path file, INDArray array) throws IOException {
        NpyDType type = NpyDType.forDataType(array.dataType());
        if (type == null) {
            throw new IllegalArgumentException("cannot write " + array.dataType() + " array to " + file
                    + ": supported data types are FLOAT, DOUBLE, LONG, INT, UBYTE, BOOL");
        }
        byte[] head = new NpyHeader(type.descr(), false, array.shape()).encode();
        ByteBuffer data = littleEndianData(array, type);
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.wrap(head));
                writeFully(ch, data);
                ch.force(true);
            }
        });
    }

    private record Layout(NpyHeader header, NpyDType.Parsed type, long dataStart) {
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "npy file not found");
        }
    }

    private static Layout readLayout(Path file, FileChannel ch) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(NpyHeader.MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, 0, file, "header");
        byte[] magic = Arrays.copyOf(pre.array(), NpyHeader.MAGIC.length);
        if (!Arrays.equals(magic, NpyHeader.MAGIC)) {
            throw new IOException(file + ": bad magic: not a .npy file (expected \\x93NUMPY, got "
                    + describeBytes(magic) + ")");
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor);
        }
        int lenSize = major == 1 ? 2 : 4;
        ByteBuffer len = ByteBuffer.allocate(lenSize).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, pre.capacity(), file, "header");
        long headerLen = major == 1 ? len.getShort(0) & 0xffff : len.getInt(0) & 0xffffffffL;
        long headerStart = pre.capacity() + lenSize;
        if (headerLen > 1 << 24) {
            throw new IOException(file + ": implausible .npy header length " + headerLen);
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLen);
        readFully(ch, text, headerStart, file, "header");
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(dict, file.toString());
        NpyDType.Parsed type = NpyDType.parse(header.descr());
        if (type == null) {
            throw new IOException(file + ": unsupported dtype \"" + header.descr()
                    + "\" (supported: <f4 <f8 <i8 <i4, big-endian >f4 >f8 >i8 >i4, |u1 |b1)");
        }
        return new Layout(header, type, headerStart + headerLen);
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file, String what)
            throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException(file + ": truncated " + what + ": file ends after " + ch.size() + " bytes");
            }
            pos += n;
        }
        dst.flip();
    }

    private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ch.write(src);
        }
    }

    private static String describeBytes(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("\\x%02x", x & 0xff));
        }
        return sb.toString();
    }

    /** Reorders column-major element bytes into row-major order. */
    private static byte[] fortranToC(byte[] src, long[] shape, int item) {
        int rank = shape.length;
        long[] fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        int numel = (int) s;
        byte[] out = new byte[src.length];
        long[] index = new long[rank];
        long f = 0;
        for (int c = 0; c < numel; c++) {
            System.arraycopy(src, (int) (f * item), out, c * item, item);
            // odometer over the C-order multi-index, keeping f = sum(index_d * fStride_d)
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    f += fStride[d];
                    break;
                }
                f -= (shape[d] - 1) * fStride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static INDArray toINDArray(byte[] data, long[] shape, NpyDType.Parsed parsed) {
        ByteBuffer b = ByteBuffer.wrap(data).order(parsed.order());
        int n = data.length / parsed.type().itemSize;
        switch (parsed.type()) {
            case F4 -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                return Nd4j.create(v, shape, DataType.FLOAT);
            }
            case F8 -> {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                return Nd4j.create(v, shape, DataType.DOUBLE);
            }
            case I8 -> {
                long[] v = new long[n];
                b.asLongBuffer().get(v);
                return Nd4j.create(v, shape, DataType.LONG);
            }
            case I4 -> {
                int[] v = new int[n];
                b.asIntBuffer().get(v);
                return Nd4j.create(v, shape, DataType.INT);
            }
            case U1 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i] & 0xff;
                }
                return Nd4j.create(v, shape, DataType.UBYTE);
            }
            case B1 -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i] != 0;
                }
                return Nd4j.create(v, shape, DataType.BOOL);
            }
            default -> throw new IllegalStateException(parsed.type().name());
        }
    }

    /** The array's elements in C order as little-endian bytes, ready to write. */
    private static ByteBuffer littleEndianData(INDArray array, NpyDType type) {
        long length = array.length();
        if (length * type.itemSize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("arrays above 2 GiB are not supported");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length * type.itemSize).order(ByteOrder.LITTLE_ENDIAN);
        if (length == 0) {
            return b;
        }
        // dup('c') gives a fresh buffer holding exactly the elements in C order, whatever the view
        INDArray c = array.dup('c');
        switch (type) {
            case F4 -> b.asFloatBuffer().put(c.data().asFloat(), 0, (int) length);
            case F8 -> b.asDoubleBuffer().put(c.data().asDouble(), 0, (int) length);
            case I8 -> b.asLongBuffer().put(c.data().asLong(), 0, (int) length);
            case I4 -> b.asIntBuffer().put(c.data().asInt(), 0, (int) length);
            case U1, B1 -> {
                int[] v = c.data().asInt();
                for (int i = 0; i < length; i++) {
                    b.put(i, (byte) v[i]);
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
        return b;
    }
}
