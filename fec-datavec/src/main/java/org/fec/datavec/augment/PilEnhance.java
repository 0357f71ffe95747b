package org.fec.datavec.augment;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.fec.datavec.ade20k.ByteImage;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;

/**
 * PIL's {@code ImageEnhance} on an 8-bit RGB image: {@code Image.blend(degenerate, image, factor)} with PIL's
 * degenerate images (Color: the image converted to L and back; Contrast: a grey image at the rounded mean of L;
 * Brightness: black; Sharpness: the image through PIL's SMOOTH filter, borders unchanged).
 * <p>
 * The blend is PIL's C code: {@code (float) d + factor * (v - d)} in float32, truncated to an integer and clipped to
 * [0, 255]. OpenCV's {@code addWeighted} rounds instead of truncating and OpenCV's grey conversion uses other
 * fixed-point weights than PIL's {@code L = (19595 R + 38470 G + 7471 B + 32768) >> 16}, so those two steps are
 * written out here; the SMOOTH filter is OpenCV's {@code filter2D} (the 3x3 sums divided by 13 never land on .5,
 * so its rounding equals PIL's {@code (int)(sum + 0.5)}).
 */
public final class PilEnhance {

    private PilEnhance() {
    }

    /** {@code ImageEnhance.Color(img).enhance(factor)}: 0 gives the grey image, 1 the image. */
    public static ByteImage color(ByteImage img, double factor) {
        PilOps.check(img);
        byte[] src = img.data();
        byte[] grey = new byte[src.length];
        for (int i = 0; i < src.length; i += 3) {
            byte l = (byte) luma(src[i] & 0xFF, src[i + 1] & 0xFF, src[i + 2] & 0xFF);
            grey[i] = l;
            grey[i + 1] = l;
            grey[i + 2] = l;
        }
        return blend(grey, img, factor);
    }

    /** {@code ImageEnhance.Contrast(img).enhance(factor)}: 0 gives a grey image at {@code int(mean(L) + 0.5)}. */
    public static ByteImage contrast(ByteImage img, double factor) {
        PilOps.check(img);
        byte[] src = img.data();
        long sum = 0;
        for (int i = 0; i < src.length; i += 3) {
            sum += luma(src[i] & 0xFF, src[i + 1] & 0xFF, src[i + 2] & 0xFF);
        }
        int mean = (int) ((double) sum / (src.length / 3) + 0.5);
        byte[] grey = new byte[src.length];
        java.util.Arrays.fill(grey, (byte) mean);
        return blend(grey, img, factor);
    }

    /** {@code ImageEnhance.Brightness(img).enhance(factor)}: 0 gives black. */
    public static ByteImage brightness(ByteImage img, double factor) {
        PilOps.check(img);
        return blend(new byte[img.data().length], img, factor);
    }

    /** {@code ImageEnhance.Sharpness(img).enhance(factor)}: 0 gives the smoothed image, 2 a sharpened one. */
    public static ByteImage sharpness(ByteImage img, double factor) {
        return blend(smooth(img).data(), img, factor);
    }

    /**
     * PIL's {@code ImageFilter.SMOOTH}: the 3x3 kernel [1 1 1; 1 5 1; 1 1 1] / 13, rounded; the first and last
     * rows and columns are copied from the input, as PIL's 3x3 filter does.
     */
    static ByteImage smooth(ByteImage img) {
        PilOps.check(img);
        if (img.width() < 3 || img.height() < 3) {
            return img.copy();
        }
        Mat src = img.toMat();
        Mat kernel = new Mat(3, 3, CV_32F);
        Mat dst = new Mat();
        try {
            float one = 1f / 13f, five = 5f / 13f;
            new org.bytedeco.javacpp.FloatPointer(kernel.data())
                    .put(new float[]{one, one, one, one, five, one, one, one, one});
            filter2D(src, dst, -1, kernel, new Point(-1, -1), 0, BORDER_REPLICATE);
            ByteImage out = ByteImage.fromMat(dst);
            int w = img.width(), h = img.height(), row = w * 3;
            byte[] o = out.data(), in = img.data();
            System.arraycopy(in, 0, o, 0, row);
            System.arraycopy(in, (h - 1) * row, o, (h - 1) * row, row);
            for (int y = 1; y < h - 1; y++) {
                System.arraycopy(in, y * row, o, y * row, 3);
                System.arraycopy(in, y * row + row - 3, o, y * row + row - 3, 3);
            }
            return out;
        } finally {
            src.release();
            kernel.release();
            dst.release();
        }
    }

    /**
     * PIL's {@code Image.blend(degenerate, img, alpha)} for 8-bit data: {@code d + alpha * (v - d)} in float32,
     * truncated, clipped to [0, 255] when extrapolating.
     */
    static ByteImage blend(byte[] degenerate, ByteImage img, double alpha) {
        byte[] src = img.data();
        byte[] out = new byte[src.length];
        float a = (float) alpha;
        for (int i = 0; i < src.length; i++) {
            int d = degenerate[i] & 0xFF;
            float v = d + a * ((src[i] & 0xFF) - d);
            out[i] = (byte) (v <= 0f ? 0 : v >= 255f ? 255 : (int) v);
        }
        return new ByteImage(img.width(), img.height(), 3, out);
    }

    /** PIL's RGB to L conversion (ITU-R 601-2 in 16-bit fixed point). */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
