package org.fec.zoo.torch;

import static org.fec.zoo.torch.TorchSaveWriter.contiguous;
import static org.fec.zoo.torch.TorchSaveWriter.map;
import static org.fec.zoo.torch.TorchSaveWriter.stateDict;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.fec.zoo.torch.TorchSaveWriter.Namespace;
import org.fec.zoo.torch.TorchSaveWriter.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Top-level layouts: bare state_dict, timm-style dicts, metadata, prefixes, split files. */
class CheckpointLayoutTest {
    @TempDir
    Path tmp;

    private static TorchSaveWriter.OrderedDict weights(String key, float value) {
        return stateDict(map(key, contiguous(TorchSaveWriter.floats(key.replace('.', '_'), value), 1)));
    }

    @Test
    void bareStateDictKeepsOrderAndHasNoMetadata() throws IOException {
        Map<String, Object> items = new LinkedHashMap<>();
        for (String k : List.of("z.weight", "a.weight", "m.bias", "b.running_mean")) {
            items.put(k, contiguous(TorchSaveWriter.floats(k, 1f), 1));
        }
        TorchCheckpoint ck = TorchCheckpoint.read(TorchSaveWriter.save(tmp.resolve("bare.pth"), stateDict(items)));
        assertEquals(List.of("z.weight", "a.weight", "m.bias", "b.running_mean"), new ArrayList<>(ck.stateDict().keySet()));
        assertTrue(ck.metadata().isEmpty());
        assertEquals(Optional.empty(), ck.weightsKey());
        assertEquals(List.of(tmp.resolve("bare.pth")), ck.files());
        assertEquals("a.weight", ck.stateDict().get("a.weight").name());
    }

    @Test
    void orderSurvivesLargeSetitemsBatchesAndLongMemoIndices() throws IOException {
        // 1500 tensors: two SETITEMS batches, memo indices far above 255 (LONG_BINPUT / LONG_BINGET)
        Map<String, Object> items = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 1499; i >= 0; i--) {
            String k = "layer" + (i * 7919 % 1500) + ".w";
            keys.add(k);
            items.put(k, contiguous(TorchSaveWriter.floats(Integer.toString(i), i), 1));
        }
        TorchCheckpoint ck = TorchCheckpoint.read(TorchSaveWriter.save(tmp.resolve("many.pth"), stateDict(items)));
        assertEquals(keys, new ArrayList<>(ck.stateDict().keySet()));
        assertEquals(1500, ck.parameterCount());
        assertArrayEquals(new float[] {1499}, ck.stateDict().get(keys.get(0)).toFloatArray());
        assertArrayEquals(new float[] {0}, ck.stateDict().get(keys.get(1499)).toFloatArray());
    }

    @Test
    void timmCheckpointWithNamespaceArgs() throws IOException {
        Map<String, Object> args = map("model", "fec_small", "lr", 0.001, "epochs", 300, "amp", true,
                "mean", new Tuple(List.of(0.485, 0.456, 0.406)), "resume", "", "initial_checkpoint", null,
                "big", 1L << 40);
        Path f = TorchSaveWriter.save(tmp.resolve("ck.pth.tar"), map(
                "epoch", 12, "arch", "fec_small", "state_dict", weights("w", 2f), "version", 2,
                "args", new Namespace(args), "metric", 71.25));
        TorchCheckpoint ck = TorchCheckpoint.read(f);
        assertEquals(Optional.of("state_dict"), ck.weightsKey());
        assertEquals(List.of("w"), new ArrayList<>(ck.stateDict().keySet()));
        assertEquals(List.of("epoch", "arch", "version", "args", "metric"), new ArrayList<>(ck.metadata().keySet()));
        assertEquals(12, ((Number) ck.metadata().get("epoch")).intValue());
        assertEquals("fec_small", ck.metadata().get("arch"));
        assertEquals(71.25, ck.metadata().get("metric"));
        Map<?, ?> a = (Map<?, ?>) ck.metadata().get("args");
        assertEquals(new ArrayList<>(args.keySet()), new ArrayList<>(a.keySet()));
        assertEquals("fec_small", a.get("model"));
        assertEquals(0.001, a.get("lr"));
        assertEquals(300, ((Number) a.get("epochs")).intValue());
        assertEquals(Boolean.TRUE, a.get("amp"));
        assertEquals(List.of(0.485, 0.456, 0.406), a.get("mean"));
        assertTrue(a.containsKey("initial_checkpoint"));
        assertNull(a.get("initial_checkpoint"));
        assertEquals(1L << 40, ((Number) a.get("big")).longValue());
        assertThrows(UnsupportedOperationException.class, () -> ck.metadata().put("x", 1));
    }

    @Test
    void stateDictEmaOnly() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("ema.pth"), map("epoch", 3, "state_dict_ema", weights("e", 5f)));
        TorchCheckpoint ck = TorchCheckpoint.read(f);
        assertEquals(Optional.of("state_dict_ema"), ck.weightsKey());
        assertArrayEquals(new float[] {5f}, ck.tensor("e").toFloatArray());
        assertEquals(Map.of("epoch", 3), ck.metadata());
    }

    @Test
    void modelKeyAndPrecedence() throws IOException {
        Path onlyModel = TorchSaveWriter.save(tmp.resolve("m.pth"), map("model", weights("m", 1f), "epoch", 1));
        assertEquals(Optional.of("model"), TorchCheckpoint.read(onlyModel).weightsKey());

        Path all = TorchSaveWriter.save(tmp.resolve("all.pth"), map(
                "state_dict_ema", weights("ema", 3f), "model", weights("model", 2f), "state_dict", weights("sd", 1f),
                "optimizer", map("state", map("0", contiguous(TorchSaveWriter.floats("opt", 0f), 1))),
                "epoch", 9));
        TorchCheckpoint ck = TorchCheckpoint.read(all);
        assertEquals(Optional.of("state_dict"), ck.weightsKey());
        assertEquals(List.of("sd"), new ArrayList<>(ck.stateDict().keySet()));
        // entries holding tensors (other weights, optimizer state) are not metadata
        assertEquals(Map.of("epoch", 9), ck.metadata());

        TorchCheckpoint ema = TorchCheckpoint.read(all, "state_dict_ema");
        assertEquals(Optional.of("state_dict_ema"), ema.weightsKey());
        assertArrayEquals(new float[] {3f}, ema.tensor("ema").toFloatArray());

        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(all, "weights"));
        assertTrue(e.getMessage().contains("'weights'") && e.getMessage().contains("state_dict_ema"), e.getMessage());
    }

    @Test
    void dataParallelPrefixIsStrippedOnlyWhenAllKeysHaveIt() throws IOException {
        Path all = TorchSaveWriter.save(tmp.resolve("dp.pth"), map("state_dict", stateDict(map(
                "module.a.weight", contiguous(TorchSaveWriter.floats("0", 1f), 1),
                "module.b.weight", contiguous(TorchSaveWriter.floats("1", 2f), 1)))));
        TorchCheckpoint ck = TorchCheckpoint.read(all);
        assertEquals(List.of("a.weight", "b.weight"), new ArrayList<>(ck.stateDict().keySet()));
        assertEquals("b.weight", ck.tensor("b.weight").name());
        assertArrayEquals(new float[] {2f}, ck.tensor("b.weight").toFloatArray());

        Path some = TorchSaveWriter.save(tmp.resolve("some.pth"), stateDict(map(
                "module.a.weight", contiguous(TorchSaveWriter.floats("0", 1f), 1),
                "b.weight", contiguous(TorchSaveWriter.floats("1", 2f), 1))));
        assertEquals(List.of("module.a.weight", "b.weight"),
                new ArrayList<>(TorchCheckpoint.read(some).stateDict().keySet()));
    }

    @Test
    void plainNumbersInAStateDictAreSkipped() throws IOException {
        Path f = TorchSaveWriter.save(tmp.resolve("n.pth"), stateDict(map(
                "w", contiguous(TorchSaveWriter.floats("0", 1f), 1), "bn.num_batches_tracked", 5, "flag", true)));
        assertEquals(List.of("w"), new ArrayList<>(TorchCheckpoint.read(f).stateDict().keySet()));
    }

    @Test
    void zipPrefixIsDetectedNotAssumed() throws IOException {
        Path odd = TorchSaveWriter.save(tmp.resolve("a.pth"), "some other name/", weights("w", 4f));
        assertArrayEquals(new float[] {4f}, TorchCheckpoint.read(odd).tensor("w").toFloatArray());
        Path archive = TorchSaveWriter.save(tmp.resolve("b.pth"), "archive/", weights("w", 5f));
        assertArrayEquals(new float[] {5f}, TorchCheckpoint.read(archive).tensor("w").toFloatArray());
        Path root = TorchSaveWriter.save(tmp.resolve("c.pth"), "", weights("w", 6f));
        assertArrayEquals(new float[] {6f}, TorchCheckpoint.read(root).tensor("w").toFloatArray());
    }

    @Test
    void splitCheckpointMergesInFileOrder() throws IOException {
        Path p1 = TorchSaveWriter.save(tmp.resolve("part1.pth"), map("state_dict", stateDict(map(
                "b", contiguous(TorchSaveWriter.floats("0", 1f), 1),
                "a", contiguous(TorchSaveWriter.floats("1", 2f), 1))), "epoch", 1, "arch", "x"));
        Path p2 = TorchSaveWriter.save(tmp.resolve("part2.pth"), map("state_dict", stateDict(map(
                "d", contiguous(TorchSaveWriter.floats("0", 3f), 1),
                "c", contiguous(TorchSaveWriter.floats("1", 4f), 1))), "epoch", 2, "extra", "y"));
        TorchCheckpoint ck = TorchCheckpoint.read(List.of(p1, p2));
        assertEquals(List.of("b", "a", "d", "c"), new ArrayList<>(ck.stateDict().keySet()));
        assertArrayEquals(new float[] {3f}, ck.tensor("d").toFloatArray());
        assertEquals(List.of(p1, p2), ck.files());
        assertEquals(1, ck.metadata().get("epoch")); // earlier file wins
        assertEquals("y", ck.metadata().get("extra"));
    }

    @Test
    void splitCheckpointDuplicateKeyNamesBothFiles() throws IOException {
        Path p1 = TorchSaveWriter.save(tmp.resolve("p1.pth"), stateDict(map(
                "a", contiguous(TorchSaveWriter.floats("0", 1f), 1),
                "shared.weight", contiguous(TorchSaveWriter.floats("1", 1f), 1))));
        Path p2 = TorchSaveWriter.save(tmp.resolve("p2.pth"), stateDict(map(
                "shared.weight", contiguous(TorchSaveWriter.floats("0", 2f), 1))));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(List.of(p1, p2)));
        String m = e.getMessage();
        assertTrue(m.contains("'shared.weight'") && m.contains(p1.toString()) && m.contains(p2.toString()), m);
    }

    @Test
    void tensorLookupNamesMissingKey() throws IOException {
        TorchCheckpoint ck = TorchCheckpoint.read(TorchSaveWriter.save(tmp.resolve("x.pth"), weights("w", 1f)));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> ck.tensor("nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ck.stateDict().remove("w"));
        assertFalse(ck.stateDict().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.read(List.of()));
    }
}
