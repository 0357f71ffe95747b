package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.fec.zoo.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LabelMapsTest {
    @TempDir
    Path dir;

    private static int[] ramp(int n, int mod) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i * 37 + 11) % mod;
        }
        return v;
    }

    /** PNG IHDR bytes: bit depth at 24, colour type at 25 (0 gray, 2 RGB, 3 palette). */
    private static int[] ihdr(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        return new int[] {b[24] & 0xff, b[25] & 0xff};
    }

    @Test
    void grayscalePngRoundTrip() throws IOException {
        int h = 7, w = 9;
        int[] v = ramp(h * w, 256);
        v[0] = 255;
        v[1] = 0;
        Path f = dir.resolve("a.png");
        LabelMaps.writePng(f, v, h, w);
        assertArrayEquals(new int[] {8, 0}, ihdr(f));
        LabelMap m = LabelMaps.read(f);
        assertEquals(h, m.height());
        assertEquals(w, m.width());
        assertArrayEquals(v, m.values());

        // overwriting goes through a temporary file that does not stay behind
        int[] v2 = ramp(h * w, 150);
        LabelMaps.writePng(f, v2, h, w);
        assertArrayEquals(v2, LabelMaps.read(f).values());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void palettePngGivesIndicesNotColours() throws IOException {
        int h = 5, w = 6;
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 150; i++) {
            r[i] = (byte) Ade20kClasses.PALETTE[i][0];
            g[i] = (byte) Ade20kClasses.PALETTE[i][1];
            b[i] = (byte) Ade20kClasses.PALETTE[i][2];
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, r, g, b));
        int[] v = ramp(h * w, 150);
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        Path f = dir.resolve("p.png");
        ImageIO.write(img, "png", f.toFile());
        assertArrayEquals(new int[] {8, 3}, ihdr(f), "the test needs a real palette PNG");
        assertArrayEquals(v, LabelMaps.read(f).values());
    }

    @Test
    void fourBitPalettePng() throws IOException {
        int h = 3, w = 5;
        byte[] r = new byte[16], g = new byte[16], b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (255 - i * 13);
            g[i] = (byte) (i * 7);
            b[i] = (byte) 200;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(4, 16, r, g, b));
        int[] v = ramp(h * w, 16);
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        Path f = dir.resolve("p4.png");
        ImageIO.write(img, "png", f.toFile());
        assertArrayEquals(new int[] {4, 3}, ihdr(f));
        LabelMap m = LabelMaps.read(f);
        assertEquals(3, m.height());
        assertArrayEquals(v, m.values());
    }

    @Test
    void rgbAnd16BitPngsAreRefusedNamingTheFile() throws IOException {
        Path rgb = dir.resolve("rgb.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", rgb.toFile());
        IOException e = assertThrows(IOException.class, () -> LabelMaps.read(rgb));
        assertTrue(e.getMessage().contains(rgb.toString()) && e.getMessage().contains("RGB"), e.getMessage());

        Path deep = dir.resolve("deep.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY), "png", deep.toFile());
        e = assertThrows(IOException.class, () -> LabelMaps.read(deep));
        assertTrue(e.getMessage().contains(deep.toString()) && e.getMessage().contains("16-bit"), e.getMessage());

        Path notPng = dir.resolve("fake.png");
        Files.writeString(notPng, "hello");
        e = assertThrows(IOException.class, () -> LabelMaps.read(notPng));
        assertTrue(e.getMessage().contains(notPng.toString()), e.getMessage());

        Path txt = dir.resolve("a.txt");
        Files.writeString(txt, "x");
        e = assertThrows(IOException.class, () -> LabelMaps.read(txt));
        assertTrue(e.getMessage().contains(txt.toString()), e.getMessage());
        assertThrows(IOException.class, () -> LabelMaps.read(dir.resolve("missing.png")));
    }

    @Test
    void writePngRejectsValuesOutside8Bits() {
        Path f = dir.resolve("bad.png");
        assertThrows(IllegalArgumentException.class, () -> LabelMaps.writePng(f, new int[] {0, 256}, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LabelMaps.writePng(f, new int[] {0, -1}, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LabelMaps.writePng(f, new int[] {0, 1, 2}, 1, 2));
        assertTrue(Files.notExists(f));
    }

    @Test
    void npyIntegerTypesAndSqueezedShapes() throws IOException {
        int h = 4, w = 3;
        int[] v = ramp(h * w, 151);
        Path l = dir.resolve("l.npy");
        Npy.write(l, Nd4j.createFromArray(v).castTo(DataType.LONG).reshape(h, w));
        Path i = dir.resolve("i.npy");
        Npy.write(i, Nd4j.createFromArray(v).reshape(1, h, w));
        Path u = dir.resolve("u.npy");
        Npy.write(u, Nd4j.createFromArray(v).castTo(DataType.UBYTE).reshape(1, 1, h, w));
        for (Path f : List.of(l, i, u)) {
            LabelMap m = LabelMaps.read(f);
            assertEquals(h, m.height(), f.toString());
            assertEquals(w, m.width(), f.toString());
            assertArrayEquals(v, m.values(), f.toString());
        }
    }

    @Test
    void npyWrongShapeOrTypeIsRefusedNamingTheFile() throws IOException {
        Path batch = dir.resolve("batch.npy");
        Npy.write(batch, Nd4j.zeros(DataType.LONG, 2, 3, 4));
        Path flat = dir.resolve("flat.npy");
        Npy.write(flat, Nd4j.zeros(DataType.LONG, 12));
        Path floats = dir.resolve("floats.npy");
        Npy.write(floats, Nd4j.zeros(DataType.FLOAT, 3, 4));
        Path huge = dir.resolve("huge.npy");
        INDArray big = Nd4j.createFromArray(new long[] {1L << 40, 0}).reshape(1, 2);
        Npy.write(huge, big);
        for (Path f : List.of(batch, flat, floats, huge)) {
            IOException e = assertThrows(IOException.class, () -> LabelMaps.read(f), f.toString());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
    }
}
