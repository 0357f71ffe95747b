package org.fec.zoo.torch;

import java.util.Optional;

/**
 * Element types of torch storages that the checkpoint reader understands, keyed by the legacy
 * storage class name that {@code torch.save} writes into the pickle (e.g. {@code torch.FloatStorage}).
 */
public enum TorchDType {
    FLOAT64("DoubleStorage", 8, true),
    FLOAT32("FloatStorage", 4, true),
    FLOAT16("HalfStorage", 2, true),
    BFLOAT16("BFloat16Storage", 2, true),
    INT64("LongStorage", 8, false),
    INT32("IntStorage", 4, false),
    INT16("ShortStorage", 2, false),
    INT8("CharStorage", 1, false),
    UINT8("ByteStorage", 1, false),
    BOOL("BoolStorage", 1, false);

    private final String storageClass;
    private final int itemSize;
    private final boolean floatingPoint;

    TorchDType(String storageClass, int itemSize, boolean floatingPoint) {
        this.storageClass = storageClass;
        this.itemSize = itemSize;
        this.floatingPoint = floatingPoint;
    }

    /** The class name in module {@code torch}, e.g. {@code "FloatStorage"}. */
    public String storageClass() {
        return storageClass;
    }

    /** Bytes per element in the storage. */
    public int itemSize() {
        return itemSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** Looks up the dtype for a storage class name such as {@code "HalfStorage"}. */
    public static Optional<TorchDType> fromStorageClass(String name) {
        for (TorchDType t : values()) {
            if (t.storageClass.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
