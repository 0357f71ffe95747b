package org.fec.zoo.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test-only writer of checkpoints laid out like torch.save (zip format): a Java object model is
 * pickled with protocol 2 the way torch does it (OrderedDict via REDUCE + SETITEMS + BUILD of
 * {@code _metadata}, tensors via {@code _rebuild_tensor_v2} with a BINPERSID storage id, memoised
 * strings and globals), and stored with {@code <prefix>/data/<key>} storage entries.
 */
final class TorchSaveWriter {
    private TorchSaveWriter() {
    }

    // ---- object model -------------------------------------------------------------------------

    /** A storage: raw little-endian bytes under zip entry {@code data/<key>}. */
    record Storage(String key, String storageClass, byte[] bytes, long numel) {
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
    record Tensor(Storage storage, long offset, long[] size, long[] stride) {
    }

    /** {@code _rebuild_parameter(tensor, True, OrderedDict())}. */
    record Param(Tensor data) {
    }

    /** A collections.OrderedDict; {@code torchMetadata} adds the BUILD of {'_metadata': ...}. */
    record OrderedDict(Map<String, Object> items, boolean torchMetadata) {
    }

    /** argparse.Namespace(**attrs). */
    record Namespace(Map<String, Object> attrs) {
    }

    /** A call of an arbitrary global with positional args (for refusal tests). */
    record GlobalCall(String module, String name, List<Object> args) {
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    static OrderedDict stateDict(Map<String, Object> items) {
        return new OrderedDict(items, true);
    }

    /** Insertion-ordered map literal: key1, value1, key2, value2, ... */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Tensor contiguous(Storage s, long... size) {
        long[] stride = new long[size.length];
        long st = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = st;
            st *= size[i];
        }
        return new Tensor(s, 0, size, stride);
    }

    static Storage floats(String key, float... v) {
        ByteBuffer b = le(v.length * 4);
        for (float x : v) {
            b.putFloat(x);
        }
        return new Storage(key, "FloatStorage", b.array(), v.length);
    }

    static Storage doubles(String key, double... v) {
        ByteBuffer b = le(v.length * 8);
        for (double x : v) {
            b.putDouble(x);
        }
        return new Storage(key, "DoubleStorage", b.array(), v.length);
    }

    /** 16-bit patterns for HalfStorage / BFloat16Storage / ShortStorage. */
    static Storage shorts(String key, String storageClass, int... bits) {
        ByteBuffer b = le(bits.length * 2);
        for (int x : bits) {
            b.putShort((short) x);
        }
        return new Storage(key, storageClass, b.array(), bits.length);
    }

    static Storage longs(String key, long... v) {
        ByteBuffer b = le(v.length * 8);
        for (long x : v) {
            b.putLong(x);
        }
        return new Storage(key, "LongStorage", b.array(), v.length);
    }

    static Storage ints(String key, int... v) {
        ByteBuffer b = le(v.length * 4);
        for (int x : v) {
            b.putInt(x);
        }
        return new Storage(key, "IntStorage", b.array(), v.length);
    }

    /** One byte per element for ByteStorage / CharStorage / BoolStorage. */
    static Storage bytes(String key, String storageClass, int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return new Storage(key, storageClass, b, v.length);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- writing ------------------------------------------------------------------------------

    /** Pickles {@code root} and writes it with its storages; prefix as torch: file name minus extension. */
    static Path save(Path file, Object root) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return save(file, (dot > 0 ? name.substring(0, dot) : name) + "/", root);
    }

    static Path save(Path file, String prefix, Object root) throws IOException {
        Map<String, byte[]> storages = new LinkedHashMap<>();
        byte[] pickle = pickle(root, storages);
        writeZip(file, prefix, pickle, storages);
        return file;
    }

    /** Writes a zip exactly as torch lays it out, with STORED (uncompressed) entries. */
    static void writeZip(Path file, String prefix, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, prefix + "data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, prefix + "data/" + e.getKey(), e.getValue());
            }
            stored(zip, prefix + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Protocol-2 pickle of {@code root}; storages met on the way are collected by key. */
    static byte[] pickle(Object root, Map<String, byte[]> storages) {
        PickleWriter w = new PickleWriter().proto(2);
        emit(w, root, storages);
        return w.stop().bytes();
    }

    private static void emit(PickleWriter w, Object o, Map<String, byte[]> storages) {
        if (o == null) {
            w.none();
        } else if (o instanceof String s) {
            w.memoised("str:" + s, () -> w.binunicode(s));
        } else if (o instanceof Boolean b) {
            w.bool(b);
        } else if (o instanceof Integer || o instanceof Long) {
            w.integer(((Number) o).longValue());
        } else if (o instanceof Double d) {
            w.binfloat(d);
        } else if (o instanceof Tuple t) {
            emitTuple(w, t.items(), storages);
        } else if (o instanceof List<?> l) {
            w.emptyList().put();
            if (!l.isEmpty()) {
                w.mark();
                l.forEach(x -> emit(w, x, storages));
                w.appends();
            }
        } else if (o instanceof OrderedDict od) {
            emitOrderedDict(w, od, storages);
        } else if (o instanceof Map<?, ?> m) {
            w.emptyDict().put();
            emitItems(w, m, storages);
        } else if (o instanceof Namespace ns) {
            global(w, "argparse", "Namespace");
            w.emptyTuple().newobj().put();
            w.emptyDict().put();
            emitItems(w, ns.attrs(), storages);
            w.build();
        } else if (o instanceof Tensor t) {
            emitTensor(w, t, storages);
        } else if (o instanceof Param p) {
            global(w, "torch._utils", "_rebuild_parameter");
            w.mark();
            emitTensor(w, p.data(), storages);
            w.bool(true);
            emitOrderedDict(w, new OrderedDict(Map.of(), false), storages);
            w.tuple().put().reduce().put();
        } else if (o instanceof GlobalCall g) {
            global(w, g.module(), g.name());
            emitTuple(w, g.args(), storages);
            w.reduce().put();
        } else {
            throw new IllegalArgumentException("cannot pickle " + o.getClass());
        }
    }

    private static void global(PickleWriter w, String module, String name) {
        w.memoised("global:" + module + " " + name, () -> w.global(module, name));
    }

    private static void emitTuple(PickleWriter w, List<Object> items, Map<String, byte[]> storages) {
        if (items.isEmpty()) {
            w.emptyTuple();
            return;
        }
        if (items.size() > 3) {
            w.mark();
        }
        items.forEach(x -> emit(w, x, storages));
        switch (items.size()) {
            case 1 -> w.tuple1();
            case 2 -> w.tuple2();
            case 3 -> w.tuple3();
            default -> w.tuple();
        }
        w.put();
    }

    private static void emitItems(PickleWriter w, Map<?, ?> m, Map<String, byte[]> storages) {
        if (m.isEmpty()) {
            return;
        }
        if (m.size() == 1) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            emit(w, e.getKey(), storages);
            emit(w, e.getValue(), storages);
            w.setitem();
            return;
        }
        // Python batches SETITEMS by 1000 items
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        for (int start = 0; start < entries.size(); start += 1000) {
            w.mark();
            for (Map.Entry<?, ?> e : entries.subList(start, Math.min(entries.size(), start + 1000))) {
                emit(w, e.getKey(), storages);
                emit(w, e.getValue(), storages);
            }
            w.setitems();
        }
    }

    private static void emitOrderedDict(PickleWriter w, OrderedDict od, Map<String, byte[]> storages) {
        global(w, "collections", "OrderedDict");
        w.emptyTuple().reduce().put();
        emitItems(w, od.items(), storages);
        if (od.torchMetadata()) {
            // state = {'_metadata': OrderedDict([('', {'version': 1})])}, as nn.Module.state_dict()
            w.emptyDict().put();
            w.binunicode("_metadata").put();
            emitOrderedDict(w, new OrderedDict(map("", map("version", 1)), false), storages);
            w.setitem().build();
        }
    }

    private static void emitTensor(PickleWriter w, Tensor t, Map<String, byte[]> storages) {
        Storage s = t.storage();
        storages.put(s.key(), s.bytes());
        global(w, "torch._utils", "_rebuild_tensor_v2");
        w.mark();
        w.mark();
        emit(w, "storage", storages);
        global(w, "torch", s.storageClass());
        emit(w, s.key(), storages);
        emit(w, "cpu", storages);
        w.integer(s.numel()).tuple().put().binpersid();
        w.integer(t.offset());
        emitTuple(w, boxed(t.size()), storages);
        emitTuple(w, boxed(t.stride()), storages);
        w.bool(false);
        emitOrderedDict(w, new OrderedDict(Map.of(), false), storages);
        w.tuple().put().reduce().put();
    }

    private static List<Object> boxed(long[] v) {
        List<Object> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return l;
    }
}
