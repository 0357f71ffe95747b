package org.fec.datavec.tools;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Converts MNIST-style IDX files (gzip) into an ImageNet-style folder of grayscale PNGs, keeping the first
 * {@code perClass} images of every class: {@code <out>/<NN_classname>/<index>.png}. Used once to build the demo's
 * Fashion-MNIST subset from Debian's {@code dataset-fashion-mnist}.
 *
 * <p>Usage: {@code IdxToImageFolder images.gz labels.gz out perClass name0,name1,...}
 */
public final class IdxToImageFolder {

    private IdxToImageFolder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: IdxToImageFolder IMAGES.gz LABELS.gz OUT PER_CLASS NAME0,NAME1,...");
            System.exit(2);
        }
        convert(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]),
                List.of(args[4].split(",")));
    }

    public static void convert(Path images, Path labels, Path out, int perClass, List<String> names)
            throws IOException {
        byte[][] pixels;
        int rows, cols;
        try (DataInputStream in = open(images)) {
            check(in.readInt(), 0x803, images);
            int n = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            pixels = new byte[n][rows * cols];
            for (byte[] p : pixels) {
                in.readFully(p);
            }
        }
        byte[] label;
        try (DataInputStream in = open(labels)) {
            check(in.readInt(), 0x801, labels);
            label = new byte[in.readInt()];
            in.readFully(label);
        }
        if (label.length != pixels.length) {
            throw new IOException(images + " has " + pixels.length + " images but " + labels + " " + label.length
                    + " labels");
        }
        int[] written = new int[names.size()];
        for (int i = 0; i < label.length; i++) {
            int c = label[i];
            if (written[c] >= perClass) {
                continue;
            }
            BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, cols, rows, pixels[i]);
            Path dir = out.resolve(String.format("%02d_%s", c, names.get(c)));
            Files.createDirectories(dir);
            ImageIO.write(img, "png", dir.resolve(String.format("%05d.png", i)).toFile());
            written[c]++;
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream raw = Files.newInputStream(p);
        return new DataInputStream(p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw);
    }

    private static void check(int magic, int expected, Path file) throws IOException {
        if (magic != expected) {
            throw new IOException(file + ": not an IDX file (magic " + Integer.toHexString(magic) + ")");
        }
    }
}
