package org.fec.zoo.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads every .npy of shared/golden/fec_small_classifier and checks it against what the golden
 * README says independently (shapes, dtypes and byte sizes in its tables), plus known content.
 */
class GoldenNpyTest {
    private static final String FOLDER = "fec_small_classifier";

    @TempDir
    Path tmp;

    private record Expected(long[] shape, String descr, long bytes) {
    }

    /**
     * The README's file table for the classifier folder ({@code | `name.npy` | [2, 3] | <f4 | 8128 | ...})
     * and its clustering-module table ({@code | `module` | Cluster | 8 x 16 x 3136 | ...}) which gives the
     * [B', N] shape of {@code assign/<module>.npy} (int64) and {@code assign/<module>_margin.npy} (float32).
     */
    private static Map<String, Expected> readmeTables() throws IOException {
        String readme = Files.readString(GoldenFiles.file("README.md"));
        int start = readme.indexOf("## `" + FOLDER + "/`");
        int end = readme.indexOf("\n## ", start + 1);
        assertTrue(start >= 0, "README has no section for " + FOLDER);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, Expected> out = new LinkedHashMap<>();
        Matcher file = Pattern.compile("\\| `([^`]+\\.npy)` \\| \\[([0-9, ]*)\\] \\| (<[fi][48]) \\| ([0-9]+) \\|")
                .matcher(section);
        while (file.find()) {
            out.put(file.group(1), new Expected(dims(file.group(2)), file.group(3), Long.parseLong(file.group(4))));
        }
        Matcher module = Pattern.compile("\\| `([^`]+)` \\| Cluster(?:Pool)? \\| ([0-9]+) x [0-9]+ x ([0-9]+) \\|")
                .matcher(section);
        while (module.find()) {
            long[] shape = {Long.parseLong(module.group(2)), Long.parseLong(module.group(3))};
            out.put("assign/" + module.group(1) + ".npy", new Expected(shape, "<i8", -1));
            out.put("assign/" + module.group(1) + "_margin.npy", new Expected(shape, "<f4", -1));
        }
        return out;
    }

    private static long[] dims(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToLong(Long::parseLong)
                .toArray();
    }

    @Test
    void everyNpyMatchesTheReadme() throws IOException {
        Path dir = GoldenFiles.file(FOLDER);
        Map<String, Expected> expected = readmeTables();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                found.add(rel);
                Expected e = expected.get(rel);
                assertTrue(e != null, "README does not describe " + rel);
                NpyHeader h = Npy.header(f);
                assertEquals(e.descr(), h.descr(), rel);
                assertArrayEquals(e.shape(), h.shape(), rel);
                if (e.bytes() >= 0) {
                    assertEquals(e.bytes(), Files.size(f), rel);
                }
                INDArray a = Npy.read(f);
                assertArrayEquals(e.shape(), a.shape(), rel);
                assertEquals(e.descr().equals("<f4") ? DataType.FLOAT : DataType.LONG, a.dataType(), rel);
                if (a.dataType() == DataType.FLOAT) {
                    for (float x : a.data().asFloat()) {
                        assertTrue(Float.isFinite(x), rel);
                    }
                }
            }
        }
        assertEquals(expected.keySet().stream().sorted().toList(), found.stream().sorted().toList());
        assertTrue(found.size() >= 50, "found only " + found.size() + " files");
    }

    @Test
    void knownShapesAndAssignmentRange() throws IOException {
        INDArray input = Npy.read(GoldenFiles.file(FOLDER, "input.npy"));
        assertEquals(DataType.FLOAT, input.dataType());
        assertArrayEquals(new long[] {2, 3, 224, 224}, input.shape());
        INDArray assign = Npy.read(GoldenFiles.file(FOLDER, "assign_network1_img0.npy"));
        assertEquals(DataType.LONG, assign.dataType());
        assertArrayEquals(new long[] {3136}, assign.shape());
        // ClusterPool network[1] has M = 784 centres
        assertEquals(0, assign.minNumber().longValue());
        assertTrue(assign.maxNumber().longValue() < 784);
        assertArrayEquals(new long[] {4, 3136}, Npy.shape(GoldenFiles.file(FOLDER, "assign_network0.0.token_mixer_img0.npy")));
    }

    @Test
    void inputImageOneIsTheDocumentedGradientPattern() throws IOException {
        // README: u = row/(H-1), v = col/(W-1) in float64, then cast to float32
        float[] x = Npy.read(GoldenFiles.file(FOLDER, "input.npy")).data().asFloat();
        int h = 224;
        int w = 224;
        int image1 = 3 * h * w;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double u = r / (double) (h - 1);
                double v = c / (double) (w - 1);
                double[] ch = {
                    2 * u - 1 + 0.25 * Math.sin(3 * Math.PI * v),
                    1 - 2 * v + 0.25 * Math.cos(2 * Math.PI * u),
                    1.5 * (u - v) + 0.2 * Math.sin(2 * Math.PI * (u + 2 * v)),
                };
                for (int k = 0; k < 3; k++) {
                    float got = x[image1 + (k * h + r) * w + c];
                    assertEquals((float) ch[k], got, 1e-6f, "channel " + k + " at " + r + "," + c);
                }
            }
        }
    }

    @Test
    void rewritingAGoldenFileIsByteIdentical() throws IOException {
        for (String name : List.of("input.npy", "logits.npy", "assign_network1_img0.npy")) {
            Path src = GoldenFiles.file(FOLDER, name);
            Path copy = tmp.resolve(name);
            Npy.write(copy, Npy.read(src));
            assertEquals(-1L, Files.mismatch(src, copy), name + " differs from NumPy's bytes");
        }
    }
}
