package org.fec.datavec.ade20k;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading and re-labelling of segmentation label maps (one class id per pixel, 255 = ignore).
 */
public final class LabelMaps {

    /** The label value excluded from the loss and the metrics. */
    public static final int IGNORE_INDEX = 255;

    private LabelMaps() {
    }

    /**
     * Reads the raw samples of a single-channel label PNG: an 8-bit (or lower bit depth) grayscale image, or a
     * palette image, whose palette <em>indices</em> are the labels (what PIL's "P" mode and mmseg's
     * {@code LoadAnnotations} see). The pixels are taken from the {@link Raster}, never through a colour model.
     *
     * @throws IOException naming the file when it cannot be decoded, has more than one channel (an RGB colour-coded
     *                     map is not a label map), or holds values above 255
     */
    public static ByteImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Label map " + file + " does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("Cannot decode label map " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("Cannot decode label map " + file + ": not a PNG (or other ImageIO-readable) image");
        }
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        if (bands != 1) {
            throw new IOException("Label map " + file + " has " + bands + " channels" + (bands >= 3 ? " (RGB)" : "")
                    + ": expected a single-channel 8-bit grayscale or palette PNG of class indices");
        }
        int w = raster.getWidth(), h = raster.getHeight();
        int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, (int[]) null);
        byte[] data = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            int v = samples[i];
            if (v < 0 || v > 255) {
                throw new IOException("Label map " + file + " holds value " + v + " at (" + (i % w) + ", " + (i / w)
                        + "): expected 8-bit class indices");
            }
            data[i] = (byte) v;
        }
        return new ByteImage(w, h, 1, data);
    }

    /** {@link #read(Path)} followed, when asked, by {@link #reduceZeroLabel(ByteImage)}. */
    public static ByteImage read(Path file, boolean reduceZeroLabel) throws IOException {
        ByteImage labels = read(file);
        if (reduceZeroLabel) {
            reduceZeroLabel(labels);
        }
        return labels;
    }

    /**
     * mmseg's {@code reduce_zero_label} for one value: 0 ("other") becomes 255 (ignored), k becomes k - 1,
     * 255 stays 255.
     */
    public static int reduceZeroLabel(int raw) {
        if (raw < 0 || raw > 255) {
            throw new IllegalArgumentException("Label " + raw + " is not an 8-bit value");
        }
        return raw == 0 || raw == IGNORE_INDEX ? IGNORE_INDEX : raw - 1;
    }

    /** Applies {@link #reduceZeroLabel(int)} to every pixel, in place; returns {@code labels}. */
    public static ByteImage reduceZeroLabel(ByteImage labels) {
        byte[] d = labels.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) reduceZeroLabel(d[i] & 0xFF);
        }
        return labels;
    }
}
