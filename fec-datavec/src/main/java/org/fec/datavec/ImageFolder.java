package org.fec.datavec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An ImageNet-style folder: one sub-folder per class (sorted names give the class indices, as torchvision's
 * ImageFolder does), image files inside. The folder names ({@link #classes()}) identify the classes; the readable
 * names ({@link #classNames()}) are for people, so ImageNet's {@code n01440764} shows as {@code tench, Tinca tinca}.
 */
public final class ImageFolder {

    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "ppm", "pgm", "tif", "tiff",
            "webp");

    /** One image and its class index. */
    public record Sample(Path file, int label) {
    }

    private final Path root;
    private final List<String> classes;
    private final List<String> classNames;
    private final List<Sample> samples;

    private ImageFolder(Path root, List<String> classes, List<Sample> samples) {
        this.root = root;
        this.classes = classes;
        this.classNames = readableNames(classes);
        this.samples = samples;
    }

    /**
     * Scans {@code root}.
     *
     * @throws IOException with a message naming the folder when it is missing, has no class folders, or a class
     *                     folder list with no images at all
     */
    public static ImageFolder scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("Image folder " + root + " does not exist or is not a directory");
        }
        List<Path> classDirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).forEach(classDirs::add);
        }
        if (classDirs.isEmpty()) {
            throw new IOException("Image folder " + root + " has no class sub-folders: expected <root>/<class>/<image>"
                    + " (ImageNet layout, e.g. train/n01440764/n01440764_10026.JPEG)");
        }
        Collections.sort(classDirs);
        List<String> classes = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            Path dir = classDirs.get(c);
            classes.add(dir.getFileName().toString());
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(ImageFolder::isImage).forEach(files::add);
            }
            Collections.sort(files);
            for (Path f : files) {
                samples.add(new Sample(f, c));
            }
        }
        if (samples.isEmpty()) {
            throw new IOException("Image folder " + root + " has " + classes.size() + " class folders but no images ("
                    + String.join(", ", EXTENSIONS) + ")");
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(samples));
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    public Path root() {
        return root;
    }

    /**
     * Class folder names, index = label: the identity of the classes (train/val consistency, checkpoints).
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * Readable class names, index = label, for display: {@link SynsetNames#readable} of each folder name, so
     * WordNet synset folders get ImageNet's names and other folders keep theirs. The names are distinct: when two
     * folders would get the same name (ImageNet-1k has two {@code crane} synsets, the bird and the machine), each
     * translated one is followed by its folder name, {@code crane (n02012849)}.
     */
    public List<String> classNames() {
        return classNames;
    }

    static List<String> readableNames(List<String> folders) {
        List<String> names = folders.stream().map(SynsetNames::readable).toList();
        Map<String, Long> counts = names.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            boolean translated = !n.equals(folders.get(i));
            out.add(translated && counts.get(n) > 1 ? n + " (" + folders.get(i) + ")" : n);
        }
        return List.copyOf(out);
    }

    public List<Sample> samples() {
        return samples;
    }
}
