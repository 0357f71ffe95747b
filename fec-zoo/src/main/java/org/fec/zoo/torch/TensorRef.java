package org.fec.zoo.torch;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view into a storage.
 * Turned into a {@link TorchTensor} once the storage bytes are read.
 */
record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {

    /** Elements of the storage the view touches: offset + sum((size_i - 1) * stride_i) + 1. */
    long requiredElements() {
        long last = storageOffset;
        for (int i = 0; i < size.length; i++) {
            if (size[i] == 0) {
                return 0;
            }
            last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
        }
        return last + 1;
    }

    boolean isContiguous() {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    String describe() {
        return "offset " + storageOffset + ", size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride);
    }

    /**
     * Copies (or, for a contiguous view, shares) the viewed elements of {@code storageBytes}
     * in C order. The caller has checked that the storage is long enough.
     */
    TorchTensor materialize(String name, byte[] storageBytes) {
        TorchDType dt = storage.dtype();
        int item = dt.itemSize();
        if (isContiguous()) {
            return new TorchTensor(name, dt, size, storageBytes, Math.toIntExact(storageOffset * item));
        }
        int numel = Math.toIntExact(TorchTensor.numelOf(size));
        byte[] out = new byte[numel * item];
        int rank = size.length;
        long[] index = new long[rank];
        long src = storageOffset;
        for (int n = 0; n < numel; n++) {
            System.arraycopy(storageBytes, (int) (src * item), out, n * item, item);
            // odometer increment of the multi-index, keeping src = offset + sum(index_i * stride_i)
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    src += stride[d];
                    break;
                }
                src -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return new TorchTensor(name, dt, size, out, 0);
    }
}
