package org.fec.segmentation.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class Ade20kClassesTest {

    @Test
    void namesInMmsegOrder() {
        List<String> names = Ade20kClasses.NAMES;
        assertEquals(150, names.size());
        assertEquals(150, new HashSet<>(names).size(), "names are distinct");
        assertEquals(List.of("wall", "building", "sky", "floor", "tree", "ceiling", "road", "bed "),
                names.subList(0, 8));
        // spot checks against mmseg's ADE20KDataset tuple
        assertEquals("chest of drawers", names.get(44));
        assertEquals("television receiver", names.get(89));
        assertEquals("conveyer belt", names.get(105));
        assertEquals("trade name", names.get(123));
        assertEquals("crt screen", names.get(141));
        assertEquals("flag", names.get(149));
    }

    @Test
    void paletteIs150RgbTriples() {
        assertEquals(150, Ade20kClasses.PALETTE.length);
        for (int[] c : Ade20kClasses.PALETTE) {
            assertEquals(3, c.length);
            for (int v : c) {
                assertTrue(v >= 0 && v <= 255);
            }
        }
        assertArrayEquals(new int[] {120, 120, 120}, Ade20kClasses.PALETTE[0]);
        assertArrayEquals(new int[] {180, 120, 120}, Ade20kClasses.PALETTE[1]);
        assertArrayEquals(new int[] {140, 140, 140}, Ade20kClasses.PALETTE[48]);
        assertArrayEquals(new int[] {92, 0, 255}, Ade20kClasses.PALETTE[149]);
        assertEquals(0x5C00FF, Ade20kClasses.rgb(149));
        assertEquals(0, Ade20kClasses.rgb(255));
    }
}
