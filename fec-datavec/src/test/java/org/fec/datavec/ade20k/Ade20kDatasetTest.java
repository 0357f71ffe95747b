package org.fec.datavec.ade20k;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ade20kDatasetTest {

    static void grayPng(Path file, int w, int h, int value) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void scanPairsImagesWithLabelsAndWarnsAboutMissingOrMismatchedLabels(@TempDir Path dir) throws IOException {
        Path base = TinyShapesDataset.write(dir, 5, 2, 32, 1);
        Path labels = base.resolve("annotations/training");
        Path images = base.resolve("images/training");
        Files.delete(labels.resolve("ADE_train_00000002.png"));
        grayPng(labels.resolve("ADE_train_00000004.png"), 40, 32, 1);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        // an extra image with an upper-case extension and its label
        Files.copy(images.resolve("ADE_train_00000001.jpg"), images.resolve("ADE_train_00000000.JPEG"));
        Files.copy(labels.resolve("ADE_train_00000001.png"), labels.resolve("ADE_train_00000000.png"));

        List<String> warnings = new ArrayList<>();
        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(dir, "training", warnings::add);
        List<String> names = samples.stream().map(s -> s.image().getFileName().toString()).toList();
        assertEquals(List.of("ADE_train_00000000.JPEG", "ADE_train_00000001.jpg", "ADE_train_00000003.jpg",
                "ADE_train_00000005.jpg"), names);
        for (Ade20kDataset.Sample s : samples) {
            String base1 = s.image().getFileName().toString().replaceFirst("\\.[^.]+$", "");
            assertEquals(labels.resolve(base1 + ".png"), s.label());
        }
        assertEquals(2, warnings.size(), warnings.toString());
        String missing = warnings.get(0), mismatch = warnings.get(1);
        assertTrue(missing.contains(images.resolve("ADE_train_00000002.jpg").toString()), missing);
        assertTrue(missing.contains(labels.resolve("ADE_train_00000002.png").toString()), missing);
        assertTrue(missing.contains("not found"), missing);
        assertTrue(mismatch.contains(images.resolve("ADE_train_00000004.jpg").toString()), mismatch);
        assertTrue(mismatch.contains(labels.resolve("ADE_train_00000004.png").toString()), mismatch);
        assertTrue(mismatch.contains("32x32") && mismatch.contains("40x32"), mismatch);

        // root may be the ADEChallengeData2016 folder itself
        assertEquals(2, Ade20kDataset.scan(base, "validation", warnings::add).size());
        assertEquals(2, warnings.size());
    }

    @Test
    void missingFoldersNameTheExpectedPath(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> Ade20kDataset.scan(dir, "training"));
        assertTrue(e.getMessage().contains(dir.resolve("images").resolve("training").toString()), e.getMessage());
        Files.createDirectories(dir.resolve("ADEChallengeData2016/images/validation"));
        e = assertThrows(IOException.class, () -> Ade20kDataset.scan(dir, "validation"));
        assertTrue(e.getMessage().contains(dir.resolve("ADEChallengeData2016/annotations/validation").toString()),
                e.getMessage());
    }

    @Test
    void labelMapsAreRawSamplesOfGrayOrPaletteImagesAndRgbIsRejected(@TempDir Path dir) throws IOException {
        Path gray = dir.resolve("gray.png");
        grayPng(gray, 5, 3, 150);
        ByteImage g = LabelMaps.read(gray);
        assertEquals(5, g.width());
        assertEquals(3, g.height());
        assertEquals(1, g.channels());
        assertEquals(150, g.get(4, 2, 0));

        // palette image: the palette index is the label, not its colour
        byte[] r = new byte[256], gr = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) (255 - i);
            gr[i] = (byte) (i * 7);
            b[i] = (byte) 200;
        }
        BufferedImage pal = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, r, gr, b));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                pal.getRaster().setSample(x, y, 0, x + 4 * y + 10);
            }
        }
        Path palette = dir.resolve("palette.png");
        ImageIO.write(pal, "png", palette.toFile());
        ByteImage p = LabelMaps.read(palette);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(x + 4 * y + 10, p.get(x, y, 0));
            }
        }

        Path rgb = dir.resolve("rgb.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", rgb.toFile());
        IOException e = assertThrows(IOException.class, () -> LabelMaps.read(rgb));
        assertTrue(e.getMessage().contains(rgb.toString()) && e.getMessage().contains("RGB"), e.getMessage());
        assertThrows(IOException.class, () -> LabelMaps.read(dir.resolve("absent.png")));
    }

    @Test
    void reduceZeroLabelMapsZeroToIgnoreAndShiftsTheRest(@TempDir Path dir) throws IOException {
        assertEquals(255, LabelMaps.reduceZeroLabel(0));
        assertEquals(0, LabelMaps.reduceZeroLabel(1));
        assertEquals(149, LabelMaps.reduceZeroLabel(150));
        assertEquals(253, LabelMaps.reduceZeroLabel(254));
        assertEquals(255, LabelMaps.reduceZeroLabel(255));
        ByteImage map = new ByteImage(6, 1, 1, new byte[]{0, 1, 2, (byte) 150, (byte) 254, (byte) 255});
        LabelMaps.reduceZeroLabel(map);
        assertArrayEquals(new byte[]{(byte) 255, 0, 1, (byte) 149, (byte) 253, (byte) 255}, map.data());

        Path f = dir.resolve("zero.png");
        grayPng(f, 3, 3, 0);
        assertEquals(0, LabelMaps.read(f, false).get(1, 1, 0));
        assertEquals(255, LabelMaps.read(f, true).get(1, 1, 0));
    }

    @Test
    void headerSizeReadsWidthAndHeight(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.png");
        grayPng(f, 7, 3, 1);
        assertArrayEquals(new int[]{7, 3}, Ade20kDataset.headerSize(f));
        Path bad = dir.resolve("bad.jpg");
        Files.write(bad, new byte[]{1, 2, 3});
        assertThrows(IOException.class, () -> Ade20kDataset.headerSize(bad));
    }
}
