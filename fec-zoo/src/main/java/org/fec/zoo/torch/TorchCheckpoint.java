package org.fec.zoo.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

import net.razorvine.pickle.IObjectConstructor;

/**
 * The tensors and metadata of one PyTorch checkpoint written by {@code torch.save} (torch >= 1.6
 * zip format), read in pure Java without executing anything from the pickle.
 *
 * <p>The top-level object is either a bare state_dict (key to tensor) or a training checkpoint dict
 * (timm style) whose weights sit under one of {@link #WEIGHT_KEYS}. Keys lose a {@code module.}
 * prefix when all of them have it (DataParallel). Every tensor is materialised as a C-order
 * contiguous copy, whatever its storage offset and strides.
 */
public final class TorchCheckpoint {
    /** Entries searched for the weights, in this order, when the caller does not name one. */
    public static final List<String> WEIGHT_KEYS = List.of("state_dict", "model", "state_dict_ema");

    private static final String DATA_PARALLEL_PREFIX = "module.";

    private final Map<String, TorchTensor> stateDict;
    private final Map<String, Object> metadata;
    private final List<Path> files;
    private final String weightsKey;

    private TorchCheckpoint(Map<String, TorchTensor> stateDict, Map<String, Object> metadata, List<Path> files,
            String weightsKey) {
        this.stateDict = Collections.unmodifiableMap(stateDict);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.files = List.copyOf(files);
        this.weightsKey = weightsKey;
    }

    /** Reads one checkpoint file, choosing the weights entry automatically. */
    public static TorchCheckpoint read(Path file) throws IOException {
        return read(List.of(file), null);
    }

    /**
     * Reads one checkpoint file.
     *
     * @param weightsKey top-level entry holding the weights (e.g. {@code "state_dict_ema"}), or null
     *                   to take the first of {@link #WEIGHT_KEYS} present, else a bare state_dict
     */
    public static TorchCheckpoint read(Path file, String weightsKey) throws IOException {
        return read(List.of(file), weightsKey);
    }

    /** Reads a checkpoint split over several files, choosing the weights entry automatically. */
    public static TorchCheckpoint read(List<Path> files) throws IOException {
        return read(files, null);
    }

    /**
     * Reads a checkpoint split over several files: their tensors are merged in file order; a key
     * present in two files is an error. Metadata entries are merged too, earlier files winning.
     */
    public static TorchCheckpoint read(List<Path> files, String weightsKey) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint files given");
        }
        Map<String, TorchTensor> tensors = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        String firstWeightsKey = null;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Part part = readPart(file, weightsKey);
            for (Map.Entry<String, TorchTensor> e : part.tensors().entrySet()) {
                Path previous = origin.putIfAbsent(e.getKey(), file);
                if (previous != null) {
                    throw new CheckpointException("tensor key '" + e.getKey() + "' appears in both " + previous
                            + " and " + file);
                }
                tensors.put(e.getKey(), e.getValue());
            }
            part.metadata().forEach(metadata::putIfAbsent);
            if (i == 0) {
                firstWeightsKey = part.weightsKey();
            }
        }
        return new TorchCheckpoint(tensors, metadata, files, firstWeightsKey);
    }

    /** Tensors by key, in the order of the checkpoint. Unmodifiable. */
    public Map<String, TorchTensor> stateDict() {
        return stateDict;
    }

    /**
     * The top-level entries other than the weights (e.g. epoch, arch, version, metric; an
     * {@code argparse.Namespace} becomes a Map of its attributes, tuples become Lists). Entries that
     * contain tensors (other weight sets, optimizer state) are left out. Empty for a bare state_dict.
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public List<Path> files() {
        return files;
    }

    /** The top-level entry the weights came from in the first file; empty for a bare state_dict. */
    public Optional<String> weightsKey() {
        return Optional.ofNullable(weightsKey);
    }

    /** The tensor under {@code key}; throws a NoSuchElementException naming the key and files. */
    public TorchTensor tensor(String key) {
        TorchTensor t = stateDict.get(key);
        if (t == null) {
            throw new NoSuchElementException("no tensor '" + key + "' in checkpoint " + files);
        }
        return t;
    }

    /** Sum of {@link TorchTensor#numel()} over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (TorchTensor t : stateDict.values()) {
            n += t.numel();
        }
        return n;
    }

    private record Part(Map<String, TorchTensor> tensors, Map<String, Object> metadata, String weightsKey) {
    }

    private static Part readPart(Path file, String weightsKey) throws CheckpointException {
        try (CheckpointArchive archive = CheckpointArchive.open(file)) {
            Object root = new TorchUnpickler(file + " (" + archive.prefix() + "data.pkl)")
                    .load(archive.pickleBytes());
            if (!(root instanceof Map<?, ?> top)) {
                throw new CheckpointException(file + ": top-level object is " + typeName(root)
                        + ", expected a dict (a state_dict or a training checkpoint)");
            }
            String chosen = chooseWeights(file, top, weightsKey);
            Map<?, ?> weights = chosen == null ? top : (Map<?, ?>) top.get(chosen);
            Map<String, TorchTensor> tensors = stripDataParallelPrefix(materialize(file, archive, weights));
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (chosen != null) {
                for (Map.Entry<?, ?> e : top.entrySet()) {
                    if (!chosen.equals(e.getKey()) && !containsTorchObject(e.getValue())) {
                        metadata.put(String.valueOf(e.getKey()), plain(e.getValue()));
                    }
                }
            }
            return new Part(tensors, metadata, chosen);
        }
    }

    /** The top-level key holding the weights, or null when the top level is the state_dict itself. */
    private static String chooseWeights(Path file, Map<?, ?> top, String requested) throws CheckpointException {
        if (requested != null) {
            if (top.get(requested) instanceof Map<?, ?>) {
                return requested;
            }
            throw new CheckpointException(file + ": no weights dict under '" + requested + "' (top-level keys: "
                    + keysForMessage(top) + ")");
        }
        for (String k : WEIGHT_KEYS) {
            if (top.get(k) instanceof Map<?, ?>) {
                return k;
            }
        }
        // Bare state_dict: decided by any tensor value, so that a bad entry is reported by its key.
        for (Object v : top.values()) {
            if (v instanceof TensorRef) {
                return null;
            }
        }
        throw new CheckpointException(file + ": found no weights: the top-level dict has no " + WEIGHT_KEYS
                + " entry and is not a mapping of tensors (top-level keys: " + keysForMessage(top) + ")");
    }

    private static Map<String, TorchTensor> materialize(Path file, CheckpointArchive archive, Map<?, ?> weights)
            throws CheckpointException {
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : weights.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new CheckpointException(file + ": state_dict key " + e.getKey() + " is not a string");
            }
            Object v = e.getValue();
            if (v instanceof TensorRef ref) {
                out.put(key, tensor(file, archive, key, ref));
            } else if (!(v instanceof Number || v instanceof Boolean)) {
                // plain numbers are harmless extras (skipped); anything else means a layout we do not know
                throw new CheckpointException(file + ": state_dict entry '" + key + "' is " + typeName(v)
                        + ", not a tensor");
            }
        }
        return out;
    }

    private static TorchTensor tensor(Path file, CheckpointArchive archive, String key, TensorRef ref)
            throws CheckpointException {
        StorageRef s = ref.storage();
        if (s.dtype() == null) {
            throw new CheckpointException(file + ": tensor '" + key + "' uses unsupported storage type torch."
                    + s.storageClass() + " (supported: " + Arrays.toString(TorchDType.values()) + ")");
        }
        int item = s.dtype().itemSize();
        long need;
        try {
            need = ref.requiredElements();
            if (TorchTensor.numelOf(ref.size()) * item > Integer.MAX_VALUE - 16) {
                throw new ArithmeticException("too large");
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(file + ": tensor '" + key + "' is too large (" + ref.describe()
                    + "); tensors above 2 GiB are not supported");
        }
        byte[] bytes = archive.storage(s.key(), key);
        long have = Math.min(bytes.length / item, s.numel());
        if (need > have) {
            throw new CheckpointException(file + ": tensor '" + key + "': storage '" + archive.prefix() + "data/"
                    + s.key() + "' holds " + bytes.length / item + " " + s.dtype() + " elements (declared numel "
                    + s.numel() + ") but the view (" + ref.describe() + ") needs " + need);
        }
        return ref.materialize(key, bytes);
    }

    private static Map<String, TorchTensor> stripDataParallelPrefix(Map<String, TorchTensor> tensors) {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX))) {
            return tensors;
        }
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        for (TorchTensor t : tensors.values()) {
            String k = t.name().substring(DATA_PARALLEL_PREFIX.length());
            out.put(k, t.renamed(k));
        }
        return out;
    }

    /** True for anything that only makes sense inside the reader (tensors, storages, callables). */
    private static boolean containsTorchObject(Object v) {
        if (v instanceof TensorRef || v instanceof StorageRef || v instanceof IObjectConstructor) {
            return true;
        }
        if (v instanceof Map<?, ?> m) {
            return m.keySet().stream().anyMatch(TorchCheckpoint::containsTorchObject)
                    || m.values().stream().anyMatch(TorchCheckpoint::containsTorchObject);
        }
        if (v instanceof Object[] a) {
            return Arrays.stream(a).anyMatch(TorchCheckpoint::containsTorchObject);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().anyMatch(TorchCheckpoint::containsTorchObject);
        }
        return false;
    }

    /** Unpickled value to plain, unmodifiable Java: Map (ordered), List (tuples and lists), Set. */
    private static Object plain(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(plain(k), plain(x)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof Object[] a) {
            return plainList(Arrays.asList(a));
        }
        if (v instanceof List<?> l) {
            return plainList(l);
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            s.forEach(x -> out.add(plain(x)));
            return Collections.unmodifiableSet(out);
        }
        return v;
    }

    private static List<Object> plainList(List<?> l) {
        List<Object> out = new ArrayList<>(l.size());
        l.forEach(x -> out.add(plain(x)));
        return Collections.unmodifiableList(out);
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Object[]) {
            return "a tuple";
        }
        if (v instanceof IObjectConstructor) {
            return "a Python class or function";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static String keysForMessage(Map<?, ?> m) {
        List<String> keys = new ArrayList<>();
        for (Object k : m.keySet()) {
            if (keys.size() == 20) {
                keys.add("...");
                break;
            }
            keys.add(String.valueOf(k));
        }
        return keys.toString();
    }
}
