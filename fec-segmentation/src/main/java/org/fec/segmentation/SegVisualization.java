package org.fec.segmentation;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;


import org.fec.segmentation.eval.Ade20kClasses;
import org.fec.zoo.io.AtomicFiles;

/** Coloured label maps and overlays of predictions, written as PNG (temp file, then rename). */
public final class SegVisualization {

    private SegVisualization() {
    }

    /** Class colours: ADE20K's palette for its 150 ids, then a fixed hash colour. */
    public static int colour(int classId) {
        if (classId >= 0 && classId < Ade20kClasses.PALETTE.length) {
            return Ade20kClasses.rgb(classId);
        }
        int h = classId * 0x9E3779B1;
        return (h >>> 8) & 0xFFFFFF;
    }

    /** The prediction [h*w] as an RGB image of class colours. */
    public static BufferedImage coloured(int[] classes, int height, int width) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[classes.length];
        for (int i = 0; i < classes.length; i++) {
            rgb[i] = colour(classes[i]);
        }
        out.setRGB(0, 0, width, height, rgb, 0, width);
        return out;
    }

    /** Half image, half class colour. */
    public static BufferedImage overlay(BufferedImage image, int[] classes, int height, int width) {
        if (image.getWidth() != width || image.getHeight() != height) {
            throw new IllegalArgumentException("overlay: image is " + image.getWidth() + "x" + image.getHeight()
                    + ", prediction " + width + "x" + height);
        }
        int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < pixels.length; i++) {
            int a = pixels[i], b = colour(classes[i]);
            int r = (((a >> 16) & 0xFF) + ((b >> 16) & 0xFF)) / 2;
            int g = (((a >> 8) & 0xFF) + ((b >> 8) & 0xFF)) / 2;
            int bl = ((a & 0xFF) + (b & 0xFF)) / 2;
            pixels[i] = (r << 16) | (g << 8) | bl;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, pixels, 0, width);
        return out;
    }

    /** Writes a PNG atomically (temporary file, then rename). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.writePng(image, file);
    }
}
