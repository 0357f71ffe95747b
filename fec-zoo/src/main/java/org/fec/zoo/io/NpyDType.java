package org.fec.zoo.io;

import java.nio.ByteOrder;

import org.nd4j.linalg.api.buffer.DataType;

/** The NumPy element types {@link Npy} reads and writes, with their ND4J counterparts. */
enum NpyDType {
    F4('f', 4, DataType.FLOAT),
    F8('f', 8, DataType.DOUBLE),
    I8('i', 8, DataType.LONG),
    I4('i', 4, DataType.INT),
    U1('u', 1, DataType.UBYTE),
    B1('b', 1, DataType.BOOL);

    final char kind;
    final int itemSize;
    final DataType nd4j;

    NpyDType(char kind, int itemSize, DataType nd4j) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.nd4j = nd4j;
    }

    /** A descr string decoded: element type and byte order of the data. */
    record Parsed(NpyDType type, ByteOrder order) {
    }

    /** Decodes {@code '<f4'}, {@code '>f8'}, {@code '|u1'}, ...; null when unsupported. */
    static Parsed parse(String descr) {
        if (descr.length() < 3) {
            return null;
        }
        char orderChar = descr.charAt(0);
        char kind = descr.charAt(1);
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            return null;
        }
        for (NpyDType t : values()) {
            if (t.kind != kind || t.itemSize != size) {
                continue;
            }
            ByteOrder order = switch (orderChar) {
                case '<' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                case '=' -> ByteOrder.nativeOrder();
                case '|' -> size == 1 ? ByteOrder.LITTLE_ENDIAN : null; // '|' means "not applicable"
                default -> null;
            };
            return order == null ? null : new Parsed(t, order);
        }
        return null;
    }

    /** The descr NumPy writes for this type on a little-endian machine. */
    String descr() {
        return (itemSize == 1 ? "|" : "<") + kind + itemSize;
    }

    static NpyDType forDataType(DataType dt) {
        for (NpyDType t : values()) {
            if (t.nd4j == dt) {
                return t;
            }
        }
        return null;
    }
}
