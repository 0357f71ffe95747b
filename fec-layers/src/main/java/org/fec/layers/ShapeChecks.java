package org.fec.layers;

import java.util.Arrays;

/** Input-shape validation shared by the layers: errors name the layer, the shape and the rule. */
final class ShapeChecks {

    private ShapeChecks() {
    }

    static void rank4(String layer, long[] shape, String layout) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(layer + ": expected a rank-4 " + layout + " input, got shape "
                    + Arrays.toString(shape));
        }
    }

    static void channels(String layer, long[] shape, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(layer + ": expected " + expected + " channels, got " + actual
                    + " (input shape " + Arrays.toString(shape) + ")");
        }
    }

    static void divisible(String layer, long[] shape, String what, long size, long divisor, String why) {
        if (size <= 0 || size % divisor != 0) {
            throw new IllegalArgumentException(layer + ": " + what + " " + size + " is not a positive multiple of "
                    + divisor + " (" + why + "; input shape " + Arrays.toString(shape) + ")");
        }
    }
}
