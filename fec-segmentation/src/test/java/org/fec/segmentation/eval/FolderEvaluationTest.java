package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FolderEvaluationTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** The golden case as folders: ground truth as 8-bit PNG, predictions as the original int64 .npy. */
    private Path[] writeFolders(MiouGolden g) throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("pred"));
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        List<MiouGolden.Image> images = g.images();
        for (int i = 0; i < images.size(); i++) {
            LabelMap m = LabelMaps.read(images.get(i).gt());
            LabelMaps.writePng(gt.resolve("img_" + i + ".png"), m.values(), m.height(), m.width());
            Files.copy(images.get(i).pred(), pred.resolve("img_" + i + ".npy"));
        }
        return new Path[] {pred, gt};
    }

    @ParameterizedTest
    @ValueSource(strings = {"ade150_reduce_zero_label", "ade150_no_reduce", "small5_no_reduce", "small5_out_of_range"})
    void goldenCasesThroughFolders(String caseName) throws IOException {
        MiouGolden g = MiouGolden.load(caseName);
        Path[] dirs = writeFolders(g);
        SegmentationResult r = FolderEvaluation.evaluate(dirs[0], dirs[1], g.numClasses, g.reduceZeroLabel, log);
        g.assertAll(r);
        assertEquals("", log(), "no warnings or progress for a small, fully paired run");
    }

    @Test
    void runFoldersPrintsTableWithAdeNames() throws IOException {
        MiouGolden g = MiouGolden.load("ade150_reduce_zero_label");
        Path[] dirs = writeFolders(g);
        assertEquals(0, FolderEvaluation.runFolders(dirs[0], dirs[1], 150, true, log));
        String out = log();
        assertTrue(out.startsWith("per class results:"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\|\\s+Class\\s+\\|\\s+IoU\\s+\\|\\s+Acc\\s+\\|")), out);
        assertTrue(out.contains(" wall "), out);
        assertTrue(out.contains(" flag "), out);
        // class 0 (wall): IoU 17.36 in per_class_percent_rounded
        assertTrue(out.lines().anyMatch(l -> l.startsWith("|") && l.contains(" wall ") && l.contains(" 17.36 ")), out);
        assertTrue(out.contains("aAcc: 67.8  mIoU: 32.41  mAcc: 60.53"), out);
    }

    @Test
    void runFoldersNamesClassesGenerically() throws IOException {
        MiouGolden g = MiouGolden.load("small5_no_reduce");
        Path[] dirs = writeFolders(g);
        FolderEvaluation.runFolders(dirs[0], dirs[1], 5, false, log);
        assertTrue(log().contains(" class_4 "), log());
        assertTrue(log().contains("aAcc: 82.98  mIoU: 57.15  mAcc: 82.6"), log());
    }

    @Test
    void unpairedFilesAreReportedAndSkipped() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        LabelMaps.writePng(pred.resolve("both.png"), new int[] {0, 1, 1, 2}, 2, 2);
        LabelMaps.writePng(gt.resolve("both.png"), new int[] {0, 1, 2, 2}, 2, 2);
        LabelMaps.writePng(pred.resolve("only_pred.png"), new int[] {2, 2, 2, 2}, 2, 2);
        LabelMaps.writePng(gt.resolve("only_gt.png"), new int[] {0, 0, 0, 0}, 2, 2);
        Files.writeString(gt.resolve("README.txt"), "not a label map");

        SegmentationResult r = FolderEvaluation.evaluate(pred, gt, 3, false, log);
        assertEquals(0.75, r.aAcc(), 0.0);
        assertTrue(log().contains("only_pred.png") && log().contains("only_gt.png"), log());
        assertFalse(log().contains("both.png"), log());
        assertFalse(log().contains("README"), log());
    }

    @Test
    void sizeMismatchNamesBothFilesAndShapes() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        LabelMaps.writePng(pred.resolve("x.png"), new int[6], 2, 3);
        LabelMaps.writePng(gt.resolve("x.png"), new int[6], 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderEvaluation.evaluate(pred, gt, 3, false, log));
        String msg = e.getMessage();
        assertTrue(msg.contains(pred.resolve("x.png").toString()) && msg.contains(gt.resolve("x.png").toString()), msg);
        assertTrue(msg.contains("2x3") && msg.contains("3x2"), msg);
    }

    @Test
    void noPairsIsAnError() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        LabelMaps.writePng(pred.resolve("a.png"), new int[1], 1, 1);
        LabelMaps.writePng(gt.resolve("b.png"), new int[1], 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderEvaluation.evaluate(pred, gt, 3, false, log));
        assertTrue(e.getMessage().contains("no label maps pair up"), e.getMessage());
        assertTrue(log().contains("a.png") && log().contains("b.png"), log());
        assertThrows(IOException.class, () -> FolderEvaluation.evaluate(tmp.resolve("nope"), gt, 3, false, log));
    }

    @Test
    void pngAndNpyOfTheSameNameIsAmbiguous() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        LabelMaps.writePng(pred.resolve("a.png"), new int[1], 1, 1);
        org.fec.zoo.io.Npy.write(pred.resolve("a.npy"), org.nd4j.linalg.factory.Nd4j.zeros(
                org.nd4j.linalg.api.buffer.DataType.LONG, 1, 1));
        LabelMaps.writePng(gt.resolve("a.png"), new int[1], 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderEvaluation.evaluate(pred, gt, 3, false, log));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("a.npy"), e.getMessage());
    }

    @Test
    void progressForLongRuns() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("p"));
        Path gt = Files.createDirectories(tmp.resolve("g"));
        for (int i = 0; i < 210; i++) {
            String name = String.format("%03d.png", i);
            LabelMaps.writePng(pred.resolve(name), new int[] {i % 3}, 1, 1);
            LabelMaps.writePng(gt.resolve(name), new int[] {1}, 1, 1);
        }
        SegmentationResult r = FolderEvaluation.evaluate(pred, gt, 3, false, log);
        assertEquals(70.0 / 210.0, r.aAcc(), 0.0);
        assertEquals(List.of("evaluated 100/210", "evaluated 200/210"), log().lines().toList());
    }
}
