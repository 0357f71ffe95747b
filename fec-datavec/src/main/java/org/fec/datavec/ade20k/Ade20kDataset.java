package org.fec.datavec.ade20k;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The ADE20K scene-parsing benchmark (SceneParsing / ADEChallengeData2016) on disk:
 * <pre>
 * &lt;root&gt;/ADEChallengeData2016/images/{training,validation}/ADE_*.jpg
 * &lt;root&gt;/ADEChallengeData2016/annotations/{training,validation}/ADE_*.png   (8-bit, 0 = other, 1..150)
 * </pre>
 * {@code root} may also be the {@code ADEChallengeData2016} folder itself.
 */
public final class Ade20kDataset {

    private static final Logger log = LoggerFactory.getLogger(Ade20kDataset.class);

    /** The folder name inside the download. */
    public static final String FOLDER = "ADEChallengeData2016";
    public static final String TRAINING = "training";
    public static final String VALIDATION = "validation";
    /** Classes after {@code reduce_zero_label} (raw labels 1..150 become 0..149). */
    public static final int NUM_CLASSES = 150;
    /** Image file extensions accepted (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");

    /** One image and its label map. */
    public record Sample(Path image, Path label) {
    }

    private Ade20kDataset() {
    }

    /** {@link #scan(Path, String, Consumer)} with warnings logged (slf4j, WARN). */
    public static List<Sample> scan(Path root, String split) throws IOException {
        return scan(root, split, log::warn);
    }

    /** {@link #scan(Path, String, Consumer)} with warnings printed, one per line, to {@code warnings}. */
    public static List<Sample> scan(Path root, String split, PrintStream warnings) throws IOException {
        return scan(root, split, warnings::println);
    }

    /**
     * Lists the (image, label map) pairs of a split, sorted by image file name. An image without a label map of the
     * same base name ({@code .png}), or whose label map has another size than the image (read from the file headers,
     * no pixels decoded), is left out with a warning naming both files. A file whose header cannot be read is kept:
     * decoding errors are reported (and counted) by the {@link SegmentationIterator} that reads it.
     *
     * @param split    {@value #TRAINING} or {@value #VALIDATION} (any sub-folder name is accepted)
     * @param warnings receives one message per skipped image
     * @throws IOException naming the expected folder when {@code images/<split>} or {@code annotations/<split>} is
     *                     missing
     */
    public static List<Sample> scan(Path root, String split, Consumer<String> warnings) throws IOException {
        Path base = resolveRoot(root);
        Path imageDir = base.resolve("images").resolve(split);
        Path labelDir = base.resolve("annotations").resolve(split);
        if (!Files.isDirectory(imageDir)) {
            throw new IOException("ADE20K image folder " + imageDir + " does not exist: expected <root>/" + FOLDER
                    + "/images/" + split + " (or <root>/images/" + split + " when root is the " + FOLDER
                    + " folder)");
        }
        if (!Files.isDirectory(labelDir)) {
            throw new IOException("ADE20K annotation folder " + labelDir + " does not exist: expected <root>/" + FOLDER
                    + "/annotations/" + split);
        }
        List<Path> images = new ArrayList<>();
        try (Stream<Path> s = Files.list(imageDir)) {
            s.filter(Files::isRegularFile).filter(Ade20kDataset::isImage).forEach(images::add);
        }
        images.sort(null);
        List<Sample> samples = new ArrayList<>(images.size());
        for (Path image : images) {
            String name = image.getFileName().toString();
            Path label = labelDir.resolve(name.substring(0, name.lastIndexOf('.')) + ".png");
            if (!Files.isRegularFile(label)) {
                warnings.accept("Skipping image " + image + ": label map " + label + " not found");
                continue;
            }
            int[] imageSize, labelSize;
            try {
                imageSize = headerSize(image);
                labelSize = headerSize(label);
            } catch (IOException e) {
                samples.add(new Sample(image, label));   // the iterator reports and counts unreadable files
                continue;
            }
            if (imageSize[0] != labelSize[0] || imageSize[1] != labelSize[1]) {
                warnings.accept("Skipping image " + image + " (" + imageSize[0] + "x" + imageSize[1]
                        + "): label map " + label + " has another size (" + labelSize[0] + "x" + labelSize[1] + ")");
                continue;
            }
            samples.add(new Sample(image, label));
        }
        return List.copyOf(samples);
    }

    /** {@code root/ADEChallengeData2016} when that folder exists, else {@code root}. */
    public static Path resolveRoot(Path root) {
        Path inner = root.resolve(FOLDER);
        return Files.isDirectory(inner) ? inner : root;
    }

    /**
     * Width and height of an image from its header (ImageIO reader, no pixels decoded).
     *
     * @throws IOException when no reader understands the file or the header is damaged
     */
    public static int[] headerSize(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("Cannot open " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("No image reader for " + file);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            throw new IOException("Cannot read the header of " + file + ": " + e, e);
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
