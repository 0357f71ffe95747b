package org.fec.datavec.ade20k;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/**
 * A tiny synthetic data set in the ADE20K layout, for tests and smoke runs: square images with a noisy background
 * (raw label 1), a filled axis-aligned rectangle (2), a filled circle (3) and a filled triangle (4), drawn in that
 * order (later shapes cover earlier ones), each class in its own colour (with per-image jitter and per-pixel noise)
 * so that colour alone separates the classes. Raw label 0 never occurs, so with {@code reduce_zero_label} the
 * classes are 0..3 ({@link #NUM_CLASSES}). Every class covers at least {@value #MIN_FRACTION_PERCENT}% of each image.
 * Files are written atomically (temporary file, then rename); the output depends only on the arguments.
 */
public final class TinyShapesDataset {

    /** Classes after {@code reduce_zero_label}: background, rectangle, circle, triangle. */
    public static final int NUM_CLASSES = 4;
    /** Minimum share of the image (percent) of every class. */
    public static final int MIN_FRACTION_PERCENT = 5;

    /** Base colours, RGB, of raw labels 1..4. */
    private static final int[][] COLOURS = {
            {45, 45, 50},     // background: dark grey
            {215, 50, 45},    // rectangle: red
            {50, 190, 60},    // circle: green
            {55, 80, 225},    // triangle: blue
    };
    private static final int JITTER = 15;
    private static final double NOISE_SIGMA = 8;

    private TinyShapesDataset() {
    }

    /**
     * Writes {@code <root>/ADEChallengeData2016/{images,annotations}/{training,validation}}, files
     * {@code ADE_train_%08d.jpg/.png} and {@code ADE_val_%08d.jpg/.png} (numbered from 1).
     *
     * @param size image side in pixels (at least 16; 64..128 is the intended range)
     * @return the {@code ADEChallengeData2016} folder
     */
    public static Path write(Path root, int trainImages, int valImages, int size, long seed) throws IOException {
        if (size < 16 || trainImages < 0 || valImages < 0) {
            throw new IllegalArgumentException("Need size >= 16 and non-negative image counts");
        }
        Path base = root.resolve(Ade20kDataset.FOLDER);
        SplittableRandom master = new SplittableRandom(seed);
        writeSplit(base, Ade20kDataset.TRAINING, "ADE_train_", trainImages, size, master.split());
        writeSplit(base, Ade20kDataset.VALIDATION, "ADE_val_", valImages, size, master.split());
        return base;
    }

    private static void writeSplit(Path base, String split, String prefix, int count, int size,
                                   SplittableRandom rnd) throws IOException {
        Path images = Files.createDirectories(base.resolve("images").resolve(split));
        Path annotations = Files.createDirectories(base.resolve("annotations").resolve(split));
        for (int i = 1; i <= count; i++) {
            SplittableRandom r = rnd.split();
            byte[] labels = labels(size, r);
            BufferedImage image = render(labels, size, r);
            BufferedImage labelImage = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            labelImage.getRaster().setDataElements(0, 0, size, size, labels);
            String name = String.format("%s%08d", prefix, i);
            writeAtomically(annotations.resolve(name + ".png"), tmp -> {
                if (!ImageIO.write(labelImage, "png", tmp.toFile())) {
                    throw new IOException("No PNG writer");
                }
            });
            writeAtomically(images.resolve(name + ".jpg"), tmp -> writeJpeg(image, tmp, 0.95f));
        }
    }

    /** Raw labels 1..4, row-major; retried until every class has its minimum share. */
    static byte[] labels(int size, SplittableRandom r) {
        byte[] labels = new byte[size * size];
        for (int attempt = 0; ; attempt++) {
            java.util.Arrays.fill(labels, (byte) 1);
            // rectangle, sides 30-50% of the image
            int rw = (int) (size * (0.3 + 0.2 * r.nextDouble())), rh = (int) (size * (0.3 + 0.2 * r.nextDouble()));
            int rx = r.nextInt(size - rw + 1), ry = r.nextInt(size - rh + 1);
            for (int y = ry; y < ry + rh; y++) {
                for (int x = rx; x < rx + rw; x++) {
                    labels[y * size + x] = 2;
                }
            }
            // circle, radius 15-22% of the image
            double cr = size * (0.15 + 0.07 * r.nextDouble());
            double cx = cr + (size - 2 * cr) * r.nextDouble(), cy = cr + (size - 2 * cr) * r.nextDouble();
            // triangle: rotated equilateral, circumradius 18-26% of the image
            double tr = size * (0.18 + 0.08 * r.nextDouble());
            double tx = tr + (size - 2 * tr) * r.nextDouble(), ty = tr + (size - 2 * tr) * r.nextDouble();
            double angle = 2 * Math.PI * r.nextDouble();
            double[] vx = new double[3], vy = new double[3];
            for (int k = 0; k < 3; k++) {
                vx[k] = tx + tr * Math.cos(angle + k * 2 * Math.PI / 3);
                vy[k] = ty + tr * Math.sin(angle + k * 2 * Math.PI / 3);
            }
            int[] counts = new int[5];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double px = x + 0.5, py = y + 0.5;
                    int idx = y * size + x;
                    if ((px - cx) * (px - cx) + (py - cy) * (py - cy) <= cr * cr) {
                        labels[idx] = 3;
                    }
                    if (inTriangle(px, py, vx, vy)) {
                        labels[idx] = 4;
                    }
                    counts[labels[idx]]++;
                }
            }
            int min = size * size * MIN_FRACTION_PERCENT / 100;
            if ((counts[1] >= min && counts[2] >= min && counts[3] >= min && counts[4] >= min) || attempt >= 1000) {
                return labels;
            }
        }
    }

    private static boolean inTriangle(double px, double py, double[] vx, double[] vy) {
        boolean neg = false, pos = false;
        for (int k = 0; k < 3; k++) {
            int n = (k + 1) % 3;
            double cross = (vx[n] - vx[k]) * (py - vy[k]) - (vy[n] - vy[k]) * (px - vx[k]);
            neg |= cross < 0;
            pos |= cross > 0;
        }
        return !(neg && pos);
    }

    private static BufferedImage render(byte[] labels, int size, SplittableRandom r) {
        int[][] colours = new int[COLOURS.length][3];
        for (int k = 0; k < COLOURS.length; k++) {
            for (int c = 0; c < 3; c++) {
                colours[k][c] = COLOURS[k][c] + r.nextInt(-JITTER, JITTER + 1);
            }
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int[] base = colours[labels[y * size + x] - 1];
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int v = (int) Math.round(base[c] + NOISE_SIGMA * gaussian(r));
                    rgb = (rgb << 8) | Math.max(0, Math.min(255, v));
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A standard normal deviate (Box-Muller), so the output does not depend on the JDK's nextGaussian. */
    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static void writeJpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    @FunctionalInterface
    private interface FileWriter {
        void write(Path tmp) throws IOException;
    }

    private static void writeAtomically(Path target, FileWriter writer) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
