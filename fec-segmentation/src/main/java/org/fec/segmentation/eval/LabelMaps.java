package org.fec.segmentation.eval;

import org.fec.datavec.ade20k.ByteImage;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.fec.zoo.io.AtomicFiles;
import org.fec.zoo.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes label maps as mmsegmentation stores them.
 *
 * <ul>
 *   <li>{@code .png}: 8-bit grayscale, or palette (indexed) PNG of any bit depth; the values are the raw
 *       samples or palette indices, as {@code np.array(PIL.Image.open(f))} gives them (the colours of a
 *       palette are never looked at). RGB, 16-bit and low-bit grayscale PNGs are refused.</li>
 *   <li>{@code .npy}: int64, int32 or uint8, shape [H,W], [1,H,W] or [1,1,H,W].</li>
 * </ul>
 * Every failure names the file.
 */
public final class LabelMaps {
    private LabelMaps() {
    }

    /** Reads a {@code .png} or {@code .npy} label map (by extension, case-insensitive). */
    public static LabelMap read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "label map not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return readPng(file);
        }
        if (name.endsWith(".npy")) {
            return readNpy(file);
        }
        throw new IOException(file + ": unsupported label map format (expected .png or .npy)");
    }

    /** True for the file names {@link #read} understands. */
    public static boolean isLabelMapFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".npy");
    }

    /**
     * Writes values 0..255 as an 8-bit grayscale PNG (mmseg's label map format). The file is written
     * under a temporary name in the same directory and renamed into place, so readers never see a
     * partial file.
     */
    public static void writePng(Path file, int[] labels, int height, int width) throws IOException {
        LabelMap map = new LabelMap(height, width, labels);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("cannot write " + file + ": value " + labels[i] + " at pixel ("
                        + (i / width) + ", " + (i % width) + ") does not fit an 8-bit PNG");
            }
        }
        if (height == 0 || width == 0) {
            throw new IllegalArgumentException("cannot write " + file + ": empty " + map.shapeString() + " image");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        raster.setSamples(0, 0, width, height, 0, labels);

        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available for " + file);
            }
        });
    }

    /**
     * The elements of an integer array in C order as ints. Floating-point arrays are refused (class
     * indices are expected), and so are LONG values outside the int range, which a cast would wrap
     * into made-up class indices.
     */
    public static int[] toIntArray(INDArray a) {
        DataType t = a.dataType();
        if (!t.isIntType()) {
            throw new IllegalArgumentException("expected an integer array of class indices, got " + t);
        }
        if (a.isEmpty()) {
            return new int[0];
        }
        if (t == DataType.LONG || t == DataType.UINT32 || t == DataType.UINT64) {
            long min = a.minNumber().longValue();
            long max = a.maxNumber().longValue();
            if (min < Integer.MIN_VALUE || max > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("values outside the int range: min " + min + ", max " + max);
            }
        }
        // dup('c') gives a buffer holding exactly the elements in C order, whatever view we were given
        return a.castTo(DataType.INT).dup('c').data().asInt();
    }

    /** Decoded by the pipeline's label reader, so that training and evaluation read a PNG the same way. */
    private static LabelMap readPng(Path file) throws IOException {
        ByteImage img = org.fec.datavec.ade20k.LabelMaps.read(file);
        byte[] data = img.data();
        int[] values = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            values[i] = data[i] & 0xFF;
        }
        return new LabelMap(img.height(), img.width(), values);
    }

    private static LabelMap readNpy(Path file) throws IOException {
        INDArray a = Npy.read(file);
        DataType t = a.dataType();
        if (t != DataType.LONG && t != DataType.INT && t != DataType.UBYTE) {
            throw new IOException(file + ": unsupported label map dtype " + t + " (expected int64, int32 or uint8)");
        }
        long[] shape = a.shape();
        int rank = shape.length;
        boolean leadingOnes = true;
        for (int d = 0; d < rank - 2; d++) {
            leadingOnes &= shape[d] == 1;
        }
        if (rank < 2 || rank > 4 || !leadingOnes) {
            throw new IOException(file + ": label map must have shape [H,W], [1,H,W] or [1,1,H,W], got "
                    + Arrays.toString(shape));
        }
        try {
            return new LabelMap((int) shape[rank - 2], (int) shape[rank - 1], toIntArray(a));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
