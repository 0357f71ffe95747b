package org.fec.zoo.torch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Pyrolite unpickler restricted to what {@code torch.save} writes for tensors and training
 * checkpoints. Every opcode that names a Python global (GLOBAL, STACK_GLOBAL, INST) is resolved
 * here against a fixed allow-list and never through Pyrolite's static constructor registry, so
 * nothing from the pickle is ever executed. Tensors come out as {@link TensorRef}s (no data read).
 *
 * <p>Also fixes Pyrolite defaults that lose information: dicts are insertion-ordered
 * (Pyrolite uses HashMap, and its SETITEMS batches through a HashMap), and BUILD is handled
 * here (Pyrolite calls a reflective {@code __setstate__}).
 */
final class TorchUnpickler extends Unpickler {
    private final String source;

    /** @param source file name used in error messages */
    TorchUnpickler(String source) {
        this.source = source;
    }

    /** An {@code argparse.Namespace}: its attributes, filled by BUILD. */
    static final class NamespaceMap extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** Marker pushed for {@code torch.XStorage}; only valid inside a persistent id. */
    record StorageClass(String name, TorchDType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name + " may only appear inside a storage persistent id");
        }
    }

    /**
     * Unpickles {@code data}.
     *
     * @throws CheckpointException for a refused global or any malformed pickle
     */
    Object load(byte[] data) throws CheckpointException {
        try {
            return load(new ByteArrayInputStream(data));
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Pyrolite signals malformed input with PickleException, IOException, or plain
            // ClassCast/IndexOutOfBounds exceptions when the stack holds the wrong things.
            throw new CheckpointException("malformed pickle in " + source + ": " + e, e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolveGlobal(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new CheckpointException("malformed pickle in " + source + ": STACK_GLOBAL needs two strings");
                }
                stack.add(resolveGlobal(m, n));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                resolveGlobal(module, name); // refuses unknown globals with the standard message
                throw new CheckpointException("unsupported pickle opcode INST (" + module + "." + name + ") in " + source);
            }
            case Opcodes.PERSID -> throw new CheckpointException(
                    "unsupported pickle opcode PERSID in " + source + ": torch.save uses BINPERSID");
            case Opcodes.BINPERSID -> stack.add(storageFromPersistentId(stack.pop()));
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                putPairs(map, items);
                stack.add(map);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(asMap(stack.peek(), "SETITEMS"), items);
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                build(stack.peek(), state);
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    private Map<Object, Object> asMap(Object target, String opcode) throws CheckpointException {
        if (target instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> m = (Map<Object, Object>) target;
            return m;
        }
        throw new CheckpointException("malformed pickle in " + source + ": " + opcode + " on a "
                + (target == null ? "None" : target.getClass().getSimpleName()));
    }

    private void putPairs(Map<Object, Object> map, List<Object> items) throws CheckpointException {
        if (items.size() % 2 != 0) {
            throw new CheckpointException("malformed pickle in " + source + ": odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
    }

    /**
     * BUILD on a Namespace sets its attributes; on an OrderedDict it sets instance attributes
     * (torch stores {@code _metadata} there), which carry no weights and are ignored.
     */
    private void build(Object target, Object state) throws CheckpointException {
        if (target instanceof NamespaceMap ns) {
            ns.putAll(asMap(state, "BUILD state"));
        } else if (!(target instanceof Map<?, ?>)) {
            throw new CheckpointException("unsupported pickle BUILD on "
                    + (target == null ? "None" : target.getClass().getSimpleName()) + " in " + source);
        }
    }

    private Object resolveGlobal(String module, String name) throws CheckpointException {
        String qualified = module + "." + name;
        switch (qualified) {
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> {
                    requireArgs(qualified, args, 0, 0);
                    return new LinkedHashMap<>();
                };
            case "argparse.Namespace":
                return (IObjectConstructor) args -> {
                    requireArgs(qualified, args, 0, 0);
                    return new NamespaceMap();
                };
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) TorchUnpickler::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return (IObjectConstructor) args -> {
                    requireArgs(qualified, args, 3, 3);
                    if (!(args[0] instanceof TensorRef)) {
                        throw new PickleException(qualified + ": first argument is not a tensor");
                    }
                    return args[0];
                };
            default:
                break;
        }
        if (module.equals("torch") && name.matches("[A-Za-z0-9]+Storage")) {
            return new StorageClass(name, TorchDType.fromStorageClass(name).orElse(null));
        }
        throw new CheckpointException("refusing to unpickle global '" + qualified + "' in " + source
                + ": only torch tensor/storage rebuild functions, collections.OrderedDict and"
                + " argparse.Namespace are allowed");
    }

    private static void requireArgs(String what, Object[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new PickleException(what + ": expected " + (min == max ? "" + min : min + ".." + max)
                    + " arguments, got " + args.length);
        }
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static Object rebuildTensor(Object[] args) {
        String what = "torch._utils._rebuild_tensor_v2";
        requireArgs(what, args, 6, 7);
        if (!(args[0] instanceof StorageRef storage)) {
            throw new PickleException(what + ": first argument is not a storage persistent id");
        }
        long offset = toLong(args[1], what + " storage_offset");
        long[] size = toLongs(args[2], what + " size");
        long[] stride = toLongs(args[3], what + " stride");
        if (size.length != stride.length) {
            throw new PickleException(what + ": size and stride differ in length");
        }
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) {
                throw new PickleException(what + ": negative size or stride");
            }
        }
        if (offset < 0) {
            throw new PickleException(what + ": negative storage offset");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    private static long toLong(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        throw new PickleException(what + ": expected an int, got " + o);
    }

    private static long[] toLongs(Object o, String what) {
        if (!(o instanceof Object[] tuple)) {
            throw new PickleException(what + ": expected a tuple");
        }
        long[] out = new long[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            out[i] = toLong(tuple[i], what);
        }
        return out;
    }

    /** {@code ('storage', torch.XStorage, key, location, numel)} as written by torch.save. */
    private StorageRef storageFromPersistentId(Object pid) throws CheckpointException {
        if (pid instanceof Object[] t && t.length == 5 && "storage".equals(t[0])
                && t[1] instanceof StorageClass cls && t[2] instanceof String key
                && t[3] instanceof String location && (t[4] instanceof Integer || t[4] instanceof Long)) {
            return new StorageRef(cls.name(), cls.dtype(), key, location, ((Number) t[4]).longValue());
        }
        throw new CheckpointException("malformed pickle in " + source
                + ": persistent id is not ('storage', torch.XStorage, key, location, numel)");
    }
}
