package org.fec.datavec.ade20k;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

import org.w3c.dom.Node;

/**
 * Reading and re-labelling of segmentation label maps (one class id per pixel, 255 = ignore).
 */
public final class LabelMaps {

    /** The label value excluded from the loss and the metrics. */
    public static final int IGNORE_INDEX = 255;

    private LabelMaps() {
    }

    private static final String PNG_METADATA_FORMAT = "javax_imageio_png_1.0";

    /**
     * Reads the raw samples of a label PNG: 8-bit grayscale, or a palette image whose palette <em>indices</em> are
     * the labels (what PIL's "P" mode and mmseg's {@code LoadAnnotations} see). The kind is judged from the PNG's
     * IHDR chunk (Java reports low-bit grayscale as indexed) and the pixels are taken from the {@link Raster},
     * never through a colour model. This is the project's one label-PNG decoder (training and evaluation).
     *
     * @throws IOException naming the file when it is missing, cannot be decoded, or is RGB, 16-bit or low-bit
     *                     grayscale (PIL would give colour triples, wide or rescaled values, not class indices)
     */
    public static ByteImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Label map " + file + " does not exist");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("Label map " + file + ": cannot open");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("Label map " + file + ": not a readable PNG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                checkPngKind(file, reader.getImageMetadata(0));
                Raster raster = reader.read(0).getRaster();
                int w = raster.getWidth(), h = raster.getHeight();
                int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, 0, (int[]) null);
                byte[] data = new byte[samples.length];
                for (int i = 0; i < samples.length; i++) {
                    data[i] = (byte) samples[i];
                }
                return new ByteImage(w, h, 1, data);
            } finally {
                reader.dispose();
            }
        } catch (IIOException | RuntimeException e) {
            throw new IOException("Cannot decode label map " + file + ": " + e.getMessage(), e);
        }
    }

    /** Accepts 8-bit grayscale and palette PNGs, judged by the IHDR chunk. */
    private static void checkPngKind(Path file, IIOMetadata meta) throws IOException {
        if (meta == null || !Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_METADATA_FORMAT)) {
            throw new IOException("Label map " + file + " is not a PNG image");
        }
        Node ihdr = child(meta.getAsTree(PNG_METADATA_FORMAT), "IHDR");
        if (ihdr == null) {
            throw new IOException("Label map " + file + ": PNG without IHDR chunk");
        }
        String colorType = attribute(ihdr, "colorType");
        int bitDepth = Integer.parseInt(attribute(ihdr, "bitDepth"));
        boolean ok = "Palette".equals(colorType) || ("Grayscale".equals(colorType) && bitDepth == 8);
        if (!ok) {
            throw new IOException("Label map " + file + ": unsupported PNG for a label map: " + bitDepth + "-bit "
                    + colorType + " (expected 8-bit grayscale or a palette/indexed PNG of class indices)");
        }
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (name.equals(n.getNodeName())) {
                return n;
            }
        }
        return null;
    }

    private static String attribute(Node node, String name) {
        Node a = node.getAttributes().getNamedItem(name);
        return a == null ? "" : a.getNodeValue();
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
