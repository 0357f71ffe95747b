package org.fec.zoo.torch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only emitter of raw pickle opcodes (the subset torch.save uses, plus a few that tests
 * need to check are refused). Methods return {@code this} so a pickle reads like a disassembly.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memoByKey = new HashMap<>();
    private int nextMemo;

    byte[] bytes() {
        return out.toByteArray();
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    private PickleWriter raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    private PickleWriter le(long v, int size) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        out.write(b.array(), 0, size);
        return this;
    }

    PickleWriter proto(int version) {
        return op(0x80).op(version);
    }

    PickleWriter stop() {
        return op('.');
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    PickleWriter inst(String module, String name) {
        return op('i').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    PickleWriter stackGlobal() {
        return op(0x93);
    }

    PickleWriter binunicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').le(b.length, 4).raw(b);
    }

    PickleWriter shortBinunicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).op(b.length).raw(b);
    }

    /** BININT1 / BININT2 / BININT / LONG1, the smallest that fits, as Python's pickler chooses. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').le(v, 1);
        }
        if (v >= 0 && v < 65536) {
            return op('M').le(v, 2);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').le(v, 4);
        }
        return op(0x8a).op(8).le(v, 8);
    }

    PickleWriter binfloat(double d) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d);
        return op('G').raw(b.array());
    }

    PickleWriter bool(boolean b) {
        return op(b ? 0x88 : 0x89);
    }

    PickleWriter none() {
        return op('N');
    }

    PickleWriter emptyTuple() {
        return op(')');
    }

    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter tuple1() {
        return op(0x85);
    }

    PickleWriter tuple2() {
        return op(0x86);
    }

    PickleWriter tuple3() {
        return op(0x87);
    }

    PickleWriter emptyDict() {
        return op('}');
    }

    PickleWriter emptyList() {
        return op(']');
    }

    PickleWriter appends() {
        return op('e');
    }

    PickleWriter setitem() {
        return op('s');
    }

    PickleWriter setitems() {
        return op('u');
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter newobj() {
        return op(0x81);
    }

    PickleWriter build() {
        return op('b');
    }

    PickleWriter binpersid() {
        return op('Q');
    }

    /** BINPUT or LONG_BINPUT of the next memo index; returns that index via {@link #lastMemo()}. */
    PickleWriter put() {
        int i = nextMemo++;
        return i < 256 ? op('q').le(i, 1) : op('r').le(i, 4);
    }

    int lastMemo() {
        return nextMemo - 1;
    }

    /** BINGET or LONG_BINGET. */
    PickleWriter get(int index) {
        return index < 256 ? op('h').le(index, 1) : op('j').le(index, 4);
    }

    /**
     * Emits {@code emitter} once and memoises it under {@code key}; later calls with the same key
     * emit a BINGET instead, as Python's pickler does for repeated objects.
     */
    PickleWriter memoised(String key, Runnable emitter) {
        Integer idx = memoByKey.get(key);
        if (idx != null) {
            return get(idx);
        }
        emitter.run();
        put();
        memoByKey.put(key, lastMemo());
        return this;
    }
}
