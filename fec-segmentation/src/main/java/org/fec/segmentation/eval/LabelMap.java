package org.fec.segmentation.eval;

/**
 * A label map (class index per pixel), row-major: {@code values[y * width + x]}.
 *
 * <p>A record for convenience; the array is shared, not copied.
 */
public record LabelMap(int height, int width, int[] values) {
    public LabelMap {
        if (height < 0 || width < 0 || (long) height * width != values.length) {
            throw new IllegalArgumentException("label map of " + height + "x" + width + " needs "
                    + ((long) height * width) + " values, got " + values.length);
        }
    }

    /** "HxW", as used in messages. */
    public String shapeString() {
        return height + "x" + width;
    }
}
