package org.fec.layers;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * Batched float products as tiles over the fork-join pool, each tile one OpenBLAS call small enough for OpenBLAS to
 * run on the calling thread. The engine's batched products are small per batch entry (a few thousand points times
 * a few dozen centres or channels), a shape OpenBLAS's own two threads run at 20-40 GFLOP/s here; two Java threads
 * with a tile each ran them about twice as fast (measured on the first stages' shapes).
 *
 * <p>Tiles split the rows and columns of the result and, where the inner dimension is long, the inner dimension:
 * a tile's partial products then add into its result in order (OpenBLAS with beta 1), so results are deterministic.
 * Float only, on ND4J's CPU backend with OpenBLAS; {@link #applies} is false elsewhere.
 */
final class TiledGemm {

    /**
     * OpenBLAS (0.3.x) runs a product on the calling thread when M*N*K is at most 65536 * 4 (its multithreading
     * threshold); a tile keeps to that.
     */
    static final long SINGLE_THREAD_WORK = 65536L * 4;
    /** More tiles than this cost more in calls than they gain (e.g. the 3136 x 784 similarities of a pool). */
    private static final long MAX_TILES = 2048;
    static final boolean OPENBLAS = openBlasBackend();

    private TiledGemm() {
    }

    /** Whether {@link #bmm} runs for these operands (with these transposes). */
    static boolean applies(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        if (!OPENBLAS || a.dataType() != DataType.FLOAT || b.dataType() != DataType.FLOAT || a.rank() != 3
                || b.rank() != 3 || a.size(0) != b.size(0) || a.length() > Integer.MAX_VALUE
                || b.length() > Integer.MAX_VALUE) {
            return false;
        }
        long m = transposeA ? a.size(2) : a.size(1), k = transposeA ? a.size(1) : a.size(2);
        long kb = transposeB ? b.size(2) : b.size(1), n = transposeB ? b.size(1) : b.size(2);
        if (k != kb || a.size(0) * m * n > Integer.MAX_VALUE) {
            return false;
        }
        int[] tile = tile(m, n, k);
        return a.size(0) * ceil(m, tile[0]) * ceil(n, tile[1]) <= MAX_TILES;
    }

    /** {@code op(a[i]) op(b[i])} for every batch entry i, as a new [batch, M, N] array. */
    static INDArray bmm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        int batch = (int) a.size(0);
        int m = (int) (transposeA ? a.size(2) : a.size(1)), k = (int) (transposeA ? a.size(1) : a.size(2));
        int n = (int) (transposeB ? b.size(1) : b.size(2));
        int[] tile = tile(m, n, k);
        int mb = tile[0], nb = tile[1], kb = tile[2], rowTiles = ceil(m, mb), colTiles = ceil(n, nb);
        FloatBuffer left = floats(a), right = floats(b);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, batch, m, n);
        FloatBuffer out = c.data().asNioFloat();
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        IntStream.range(0, batch * rowTiles * colTiles).parallel().forEach(t -> {
            int i = t / (rowTiles * colTiles), m0 = t / colTiles % rowTiles * mb, n0 = t % colTiles * nb;
            int rows = Math.min(mb, m - m0), cols = Math.min(nb, n - n0);
            for (int k0 = 0; k0 < k; k0 += kb) {
                int depth = Math.min(kb, k - k0);
                int aAt = i * m * k + (transposeA ? k0 * m + m0 : m0 * k + k0);
                int bAt = i * k * n + (transposeB ? n0 * k + k0 : k0 * n + n0);
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans, rows, cols, depth, 1f, at(left, aAt), lda,
                        at(right, bAt), ldb, k0 == 0 ? 0f : 1f, at(out, i * m * n + m0 * n + n0), n);
            }
        });
        return c;
    }

    /** Tile sizes {rows, columns, depth}: halve the largest until the tile's work is single-threaded. */
    private static int[] tile(long m, long n, long k) {
        long[] t = {m, n, k};
        while (t[0] * t[1] * t[2] > SINGLE_THREAD_WORK) {
            int largest = t[0] >= t[1] && t[0] >= t[2] ? 0 : t[1] >= t[2] ? 1 : 2;
            t[largest] = (t[largest] + 1) / 2;
        }
        return new int[]{(int) t[0], (int) t[1], (int) t[2]};
    }

    private static int ceil(long total, long part) {
        return (int) ((total + part - 1) / part);
    }

    /** A view of the buffer from an absolute offset (OpenBLAS reads from a buffer's position). */
    static FloatBuffer at(FloatBuffer b, int offset) {
        FloatBuffer view = b.duplicate();
        view.position(offset);
        return view;
    }

    private static FloatBuffer floats(INDArray a) {
        return Tensors.standalone(a).data().asNioFloat();
    }

    private static boolean openBlasBackend() {
        try {
            return Nd4j.factory().blas().getBlasVendor() == Blas.Vendor.OPENBLAS;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
