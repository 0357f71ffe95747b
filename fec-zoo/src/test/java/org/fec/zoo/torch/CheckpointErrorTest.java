package org.fec.zoo.torch;

import static org.fec.zoo.torch.TorchSaveWriter.contiguous;
import static org.fec.zoo.torch.TorchSaveWriter.map;
import static org.fec.zoo.torch.TorchSaveWriter.stateDict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipOutputStream;

import org.fec.zoo.torch.TorchSaveWriter.GlobalCall;
import org.fec.zoo.torch.TorchSaveWriter.Storage;
import org.fec.zoo.torch.TorchSaveWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, unsupported and malicious checkpoints give a CheckpointException that says why. */
class CheckpointErrorTest {
    @TempDir
    Path tmp;

    private CheckpointException failure(Path file) {
        return assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file));
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in: " + e.getMessage());
        }
    }

    /** A zip whose data.pkl is {@code pickle} (no storages). */
    private Path rawPickle(String name, byte[] pickle) throws IOException {
        Path f = tmp.resolve(name);
        TorchSaveWriter.writeZip(f, "x/", pickle, Map.of());
        return f;
    }

    // ---- security -----------------------------------------------------------------------------

    @Test
    void osSystemIsRefusedAndNotExecuted() throws IOException {
        Path marker = tmp.resolve("pwned");
        Path f = TorchSaveWriter.save(tmp.resolve("evil.pth"), stateDict(map(
                "w", new GlobalCall("os", "system", List.of("touch " + marker)))));
        CheckpointException e = failure(f);
        assertMentions(e, "refusing to unpickle global 'os.system'", f.toString(),
                "only torch tensor/storage rebuild functions, collections.OrderedDict and argparse.Namespace are allowed");
        assertFalse(Files.exists(marker));
    }

    @Test
    void otherDangerousOrUnneededGlobalsAreRefused() throws IOException {
        String[][] globals = {
            {"builtins", "eval"}, {"__builtin__", "eval"}, {"numpy.core.multiarray", "_reconstruct"},
            {"_codecs", "encode"}, // in Pyrolite's default registry: must not be used
            {"builtins", "set"}, {"datetime", "datetime"}, {"subprocess", "Popen"},
            {"torch._utils", "_rebuild_tensor_v3"}, {"torch.nn.modules.linear", "Linear"},
        };
        for (String[] g : globals) {
            Path f = TorchSaveWriter.save(tmp.resolve("g.pth"), map("x", new GlobalCall(g[0], g[1], List.of("a"))));
            assertMentions(failure(f), "refusing to unpickle global '" + g[0] + "." + g[1] + "'");
        }
    }

    @Test
    void stackGlobalOfProtocol4IsCheckedToo() throws IOException {
        byte[] p = new PickleWriter().proto(4).shortBinunicode("os").shortBinunicode("system").stackGlobal()
                .shortBinunicode("echo hi").tuple1().reduce().stop().bytes();
        assertMentions(failure(rawPickle("sg.pth", p)), "refusing to unpickle global 'os.system'");
    }

    @Test
    void instOpcodeIsRefused() throws IOException {
        byte[] p = new PickleWriter().proto(2).mark().binunicode("echo hi").inst("os", "system").stop().bytes();
        assertMentions(failure(rawPickle("inst.pth", p)), "refusing to unpickle global 'os.system'");
        byte[] allowed = new PickleWriter().proto(2).mark().inst("collections", "OrderedDict").stop().bytes();
        assertMentions(failure(rawPickle("inst2.pth", allowed)), "INST");
    }

    @Test
    void storageClassCannotBeCalled() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("s.pth"), map("x", new GlobalCall("torch", "FloatStorage", List.of(3))));
        assertMentions(failure(f), "malformed pickle", "torch.FloatStorage");
    }

    // ---- container ----------------------------------------------------------------------------

    @Test
    void missingFile() {
        Path f = tmp.resolve("nope.pth");
        assertMentions(failure(f), "not found", f.toString());
    }

    @Test
    void legacyNonZipFormat() throws IOException {
        Path f = tmp.resolve("legacy.pth");
        // what torch < 1.6 wrote: a protocol-2 pickle of the magic number, then more pickles
        Files.write(f, new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        assertMentions(failure(f), "legacy (non-zip) torch.save format is not supported",
                "re-save it with torch>=1.6 `torch.save(obj, f)` default settings", f.toString());
    }

    @Test
    void notAZip() throws IOException {
        Path f = tmp.resolve("text.pth");
        Files.writeString(f, "hello, I am not a checkpoint");
        assertMentions(failure(f), "not a torch.save zip archive", f.toString());
        Path empty = tmp.resolve("empty.pth");
        Files.write(empty, new byte[0]);
        assertMentions(failure(empty), "not a torch.save zip archive");
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = TorchSaveWriter.save(tmp.resolve("good.pth"), stateDict(map(
                "w", contiguous(TorchSaveWriter.floats("0", new float[1000]), 1000))));
        byte[] all = Files.readAllBytes(good);
        Path half = tmp.resolve("half.pth");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        assertMentions(failure(half), "truncated or corrupt zip", half.toString());
    }

    @Test
    void corruptedStorageBytesFailTheCrcCheck() throws IOException {
        float[] v = new float[64];
        Arrays.fill(v, 0.5f);
        Path f = TorchSaveWriter.save(tmp.resolve("crc.pth"), stateDict(map("w", contiguous(TorchSaveWriter.floats("0", v), 64))));
        byte[] all = Files.readAllBytes(f);
        byte[] pattern = Arrays.copyOf(TorchSaveWriter.floats("x", v).bytes(), 16);
        int at = indexOf(all, pattern);
        assertTrue(at > 0);
        all[at + 1] ^= 0x40; // flip one bit inside the stored storage
        Files.write(f, all);
        assertMentions(failure(f), "CRC mismatch", "crc/data/0", "'w'");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void missingDataPkl() throws IOException {
        Path f = tmp.resolve("nopkl.pth");
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(os)) {
            TorchSaveWriter.stored(zip, "x/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertMentions(failure(f), "data.pkl", f.toString());
    }

    @Test
    void twoDataPklEntriesAreAmbiguous() throws IOException {
        Path f = tmp.resolve("two.pth");
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(os)) {
            TorchSaveWriter.stored(zip, "a/data.pkl", new byte[] {'.'});
            TorchSaveWriter.stored(zip, "b/data.pkl", new byte[] {'.'});
        }
        assertMentions(failure(f), "several 'data.pkl'");
    }

    @Test
    void missingStorageEntryNamesTensorAndEntry() throws IOException {
        Tensor t = contiguous(TorchSaveWriter.floats("7", 1f, 2f), 2);
        byte[] pickle = TorchSaveWriter.pickle(stateDict(map("blocks.0.weight", t)), new LinkedHashMap<>());
        Path f = tmp.resolve("nostorage.pth");
        TorchSaveWriter.writeZip(f, "nostorage/", pickle, Map.of()); // storages left out
        assertMentions(failure(f), "'blocks.0.weight'", "'nostorage/data/7'", "missing", f.toString());
    }

    @Test
    void storageShorterThanTheView() throws IOException {
        Storage s = TorchSaveWriter.floats("0", 1f, 2f, 3f, 4f);
        Path f = TorchSaveWriter.save(tmp.resolve("short.pth"), stateDict(map(
                "w", new Tensor(s, 2, new long[] {3}, new long[] {1}))));
        assertMentions(failure(f), "'w'", "needs 5", "holds 4");
        // declared numel bigger than the bytes actually stored
        Storage lying = new Storage("0", "FloatStorage", new byte[8], 4);
        Path g = TorchSaveWriter.save(tmp.resolve("lying.pth"), stateDict(map("v", contiguous(lying, 4))));
        assertMentions(failure(g), "'v'", "needs 4", "holds 2");
    }

    @Test
    void byteOrderBigIsRejected() throws IOException {
        Path f = tmp.resolve("big.pth");
        Storage s = TorchSaveWriter.floats("0", 1f);
        Map<String, byte[]> storages = new LinkedHashMap<>();
        byte[] pickle = TorchSaveWriter.pickle(stateDict(map("w", contiguous(s, 1))), storages);
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(os)) {
            TorchSaveWriter.stored(zip, "big/data.pkl", pickle);
            TorchSaveWriter.stored(zip, "big/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
            TorchSaveWriter.stored(zip, "big/data/0", storages.get("0"));
        }
        assertMentions(failure(f), "'big' byte order");
    }

    // ---- pickle content -----------------------------------------------------------------------

    @Test
    void unknownStorageType() throws IOException {
        Storage c = new Storage("0", "ComplexFloatStorage", new byte[8], 1);
        Path f = TorchSaveWriter.save(tmp.resolve("cplx.pth"), stateDict(map("z", contiguous(c, 1))));
        assertMentions(failure(f), "'z'", "unsupported storage type torch.ComplexFloatStorage");
    }

    @Test
    void nonTensorStateDictValueIsReportedByKey() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("str.pth"), stateDict(map(
                "w", contiguous(TorchSaveWriter.floats("0", 1f), 1), "layer.name", "conv")));
        assertMentions(failure(f), "'layer.name'", "not a tensor", f.toString());
    }

    @Test
    void noWeightsAnywhere() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("meta.pth"), map("epoch", 3, "arch", "fec_small"));
        assertMentions(failure(f), "found no weights", "epoch", "arch");
    }

    @Test
    void topLevelNotADict() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("list.pth"), List.of(1, 2));
        assertMentions(failure(f), "top-level object is", "expected a dict");
    }

    @Test
    void garbagePickle() throws IOException {
        assertMentions(failure(rawPickle("garbage.pth", new byte[] {(byte) 0x80, 2, (byte) 0xff, 0x00})),
                "malformed pickle");
        // ends without STOP
        assertMentions(failure(rawPickle("nostop.pth", new byte[] {(byte) 0x80, 2, '}'})), "malformed pickle");
        // REDUCE of a non-callable
        byte[] p = new PickleWriter().proto(2).integer(3).emptyTuple().reduce().stop().bytes();
        assertMentions(failure(rawPickle("call.pth", p)), "malformed pickle");
    }

    @Test
    void malformedPersistentId() throws IOException {
        // _rebuild_tensor_v2 with a persistent id that is not a storage tuple
        byte[] p = new PickleWriter().proto(2).emptyDict().binunicode("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .binunicode("not a storage tuple").binpersid()
                .integer(0).integer(1).tuple1().integer(1).tuple1().bool(false).none().tuple()
                .reduce().setitem().stop().bytes();
        assertMentions(failure(rawPickle("pid.pth", p)), "persistent id");
    }

    @Test
    void errorsAreIOExceptions() throws IOException {
        Path f = tmp.resolve("text2.pth");
        Files.writeString(f, "not a zip");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(f));
        assertEquals(CheckpointException.class, e.getClass());
    }
}
