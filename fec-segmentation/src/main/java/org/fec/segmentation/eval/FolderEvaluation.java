package org.fec.segmentation.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * mIoU of a folder of predicted label maps against a folder of ground-truth label maps, paired by
 * base name: {@code a.png} pairs with {@code a.png} or {@code a.npy} in the other folder. Files found in
 * only one folder are listed as warnings and skipped; a pair of different sizes is an error.
 */
public final class FolderEvaluation {
    /** mmseg's ignore_index for every dataset it ships. */
    public static final int DEFAULT_IGNORE_INDEX = 255;
    /** Unpaired files named one by one before the rest is only counted. */
    private static final int MAX_LISTED = 20;

    private FolderEvaluation() {
    }

    /** A prediction and its ground truth, sharing a base name. */
    public record Pair(String name, Path prediction, Path groundTruth) {
    }

    /** {@link #evaluate(Path, Path, int, int, boolean, PrintStream)} with ignore index 255. */
    public static SegmentationResult evaluate(Path predDir, Path gtDir, int numClasses, boolean reduceZeroLabel,
            PrintStream log) throws IOException {
        return evaluate(predDir, gtDir, numClasses, DEFAULT_IGNORE_INDEX, reduceZeroLabel, log);
    }

    /**
     * Accumulates every pair into one result (areas summed over images first, as mmseg does).
     *
     * @param log receives warnings about unpaired files and "evaluated k/n" progress for long runs
     * @throws IllegalArgumentException when no file pairs up, or a pair differs in size
     * @throws IOException              when a label map cannot be read
     */
    public static SegmentationResult evaluate(Path predDir, Path gtDir, int numClasses, int ignoreIndex,
            boolean reduceZeroLabel, PrintStream log) throws IOException {
        List<Pair> pairs = pair(predDir, gtDir, log);
        SegmentationMetrics metrics = new SegmentationMetrics(numClasses, ignoreIndex, reduceZeroLabel);
        int n = pairs.size();
        int step = progressStep(n);
        for (int k = 0; k < n; k++) {
            Pair p = pairs.get(k);
            LabelMap pred = LabelMaps.read(p.prediction());
            LabelMap gt = LabelMaps.read(p.groundTruth());
            if (pred.height() != gt.height() || pred.width() != gt.width()) {
                throw new IllegalArgumentException("size mismatch: prediction " + p.prediction() + " is "
                        + pred.shapeString() + " but ground truth " + p.groundTruth() + " is " + gt.shapeString()
                        + " (height x width)");
            }
            metrics.add(pred.values(), gt.values());
            if ((k + 1) % step == 0 && k + 1 < n) {
                log.println("evaluated " + (k + 1) + "/" + n);
            }
        }
        return metrics.result();
    }

    /**
     * Evaluates and prints mmseg's per-class table and summary to {@code out}: ADE20K class names when
     * {@code numClasses == 150}, otherwise {@code class_<i>}. Returns 0 (the exit code); errors are
     * thrown with messages naming the files, for the launcher to report.
     */
    public static int runFolders(Path pred, Path gt, int numClasses, boolean reduceZeroLabel, PrintStream out)
            throws IOException {
        SegmentationResult result = evaluate(pred, gt, numClasses, reduceZeroLabel, out);
        out.print(result.table(classNames(numClasses)));
        out.println(result.summaryLine());
        out.flush();
        return 0;
    }

    /** ADE20K's names for 150 classes, {@code class_0 .. class_<n-1>} otherwise. */
    public static List<String> classNames(int numClasses) {
        if (numClasses == Ade20kClasses.NAMES.size()) {
            return Ade20kClasses.NAMES;
        }
        List<String> names = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) {
            names.add("class_" + i);
        }
        return names;
    }

    /**
     * The pairs sorted by name. Unpaired files are reported to {@code log}; no pair at all is an error,
     * and so is a folder holding both {@code a.png} and {@code a.npy} (which one is meant?).
     */
    public static List<Pair> pair(Path predDir, Path gtDir, PrintStream log) throws IOException {
        Map<String, Path> preds = labelFiles(predDir);
        Map<String, Path> gts = labelFiles(gtDir);
        List<Pair> pairs = new ArrayList<>();
        List<Path> predOnly = new ArrayList<>();
        for (Map.Entry<String, Path> e : preds.entrySet()) {
            Path g = gts.get(e.getKey());
            if (g == null) {
                predOnly.add(e.getValue());
            } else {
                pairs.add(new Pair(e.getKey(), e.getValue(), g));
            }
        }
        List<Path> gtOnly = new ArrayList<>();
        for (Map.Entry<String, Path> e : gts.entrySet()) {
            if (!preds.containsKey(e.getKey())) {
                gtOnly.add(e.getValue());
            }
        }
        warnUnpaired(log, predOnly, "prediction", gtDir);
        warnUnpaired(log, gtOnly, "ground truth", predDir);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no label maps pair up between " + predDir + " (" + preds.size()
                    + " .png/.npy files) and " + gtDir + " (" + gts.size() + " .png/.npy files)");
        }
        return pairs;
    }

    private static void warnUnpaired(PrintStream log, List<Path> files, String kind, Path otherDir) {
        for (int i = 0; i < Math.min(files.size(), MAX_LISTED); i++) {
            log.println("warning: skipping " + kind + " " + files.get(i) + ": no file with that base name in "
                    + otherDir);
        }
        if (files.size() > MAX_LISTED) {
            log.println("warning: skipping " + (files.size() - MAX_LISTED) + " more " + kind
                    + " files without a partner in " + otherDir);
        }
    }

    /** The .png/.npy files of a folder (not recursive) by base name. */
    private static Map<String, Path> labelFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir + " (expected a folder of .png/.npy label maps)");
        }
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(f) || !LabelMaps.isLabelMapFile(f)) {
                    continue;
                }
                String file = f.getFileName().toString();
                String base = file.substring(0, file.length() - ".png".length()); // ".npy" is as long
                Path clash = byName.put(base, f);
                if (clash != null) {
                    throw new IllegalArgumentException("ambiguous label maps for '" + base + "': " + clash
                            + " and " + f);
                }
            }
        }
        return byName;
    }

    /** Roughly ten progress lines for long runs, none for short ones. */
    private static int progressStep(int n) {
        return Math.max(100, (n + 9) / 10);
    }
}
