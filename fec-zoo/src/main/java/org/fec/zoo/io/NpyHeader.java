package org.fec.zoo.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: the Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. Parses what NumPy writes
 * (format 1.0, 2.0 and 3.0) and encodes exactly the bytes NumPy writes for format 1.0.
 *
 * @param descr        the dtype string, e.g. {@code <f4}
 * @param fortranOrder whether the data is stored in column-major order
 * @param shape        the dimensions; empty for a scalar
 */
public record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy leaves room for the growth axis to reach this many digits (numpy >= 1.23). */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.descr.equals(descr) && h.fortranOrder == fortranOrder
                && Arrays.equals(h.shape, shape);
    }

    @Override
    public int hashCode() {
        return descr.hashCode() * 31 + Arrays.hashCode(shape) + (fortranOrder ? 1 : 0);
    }

    @Override
    public String toString() {
        return "NpyHeader[" + descr + ", fortran_order=" + fortranOrder + ", shape=" + Arrays.toString(shape) + "]";
    }

    /** The dict literal as NumPy's {@code repr} writes it (keys sorted), without padding. */
    String dictLiteral() {
        StringBuilder sb = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        sb.append(shape.length == 1 ? ",), }" : "), }");
        return sb.toString();
    }

    /**
     * Magic, version, length and padded header, byte-identical to {@code numpy.save}: spare spaces
     * for the growth axis, then spaces and '\n' so the data starts at a multiple of 64 bytes.
     * Format 1.0 unless the header needs more than 65535 bytes (then 2.0).
     */
    byte[] encode() {
        String header = dictLiteral();
        if (shape.length > 0) {
            long growth = shape[fortranOrder ? shape.length - 1 : 0];
            header += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(growth).length()));
        }
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        for (int version = 1; version <= 2; version++) {
            int lenSize = version == 1 ? 2 : 4;
            int hlen = text.length + 1; // + '\n'
            int pad = ALIGN - ((MAGIC.length + 2 + lenSize + hlen) % ALIGN); // 1..64, as NumPy does
            long total = (long) hlen + pad;
            if (version == 1 && total > 0xffff) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenSize + (int) total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put((byte) version).put((byte) 0);
            if (version == 1) {
                b.putShort((short) total);
            } else {
                b.putInt((int) total);
            }
            b.put(text);
            for (int i = 0; i < pad; i++) {
                b.put((byte) ' ');
            }
            b.put((byte) '\n');
            return b.array();
        }
        throw new IllegalStateException("npy header too long");
    }

    /**
     * Parses the header dict text.
     *
     * @param where file name for error messages
     */
    static NpyHeader parse(String text, String where) throws IOException {
        Map<String, Object> dict;
        try {
            Object v = new LiteralParser(text).parseTop();
            if (!(v instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("header is not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            dict = m;
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": malformed .npy header (" + e.getMessage() + "): " + text.trim());
        }
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new IOException(where + ": .npy header must have exactly the keys descr, fortran_order, shape;"
                    + " got " + dict.keySet());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new IOException(where + ": unsupported dtype " + dict.get("descr")
                    + " (structured dtypes are not supported)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new IOException(where + ": .npy header fortran_order is not True/False");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw new IOException(where + ": .npy header shape is not a tuple");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new IOException(where + ": .npy header shape has a bad dimension: " + dims);
            }
            shape[i] = d;
        }
        return new NpyHeader(descr, fortran, shape);
    }

    /** Recursive-descent parser for the tiny Python literal subset used in npy headers. */
    private static final class LiteralParser {
        private final String s;
        private int pos;

        LiteralParser(String s) {
            this.s = s;
        }

        Object parseTop() {
            Object v = value();
            skipSpace();
            if (pos != s.length()) {
                throw new IllegalArgumentException("unexpected text at position " + pos);
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            return integer();
        }

        private Map<String, Object> dict() {
            pos++; // '{'
            Map<String, Object> m = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return m;
                }
                Object key = value();
                if (!(key instanceof String k)) {
                    throw new IllegalArgumentException("dict key is not a string");
                }
                skipSpace();
                expect(':');
                m.put(k, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at position " + pos);
                }
            }
        }

        private List<Object> sequence(char close) {
            pos++; // '(' or '['
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != close) {
                    throw new IllegalArgumentException("expected ',' or '" + close + "' at position " + pos);
                }
            }
        }

        private String string(char quote) {
            int end = s.indexOf(quote, pos + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string");
            }
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private Long integer() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("unexpected character '" + s.charAt(pos) + "' at position " + pos);
            }
            long v;
            try {
                v = Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("number too large");
            }
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long suffix
            }
            return v;
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at position " + pos);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
