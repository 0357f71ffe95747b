package org.fec.datavec.ade20k;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC;

/**
 * An 8-bit image in row-major HWC order, as a numpy {@code uint8} array of shape (H, W, C): colour images are BGR
 * (OpenCV's and mmcv's order, C = 3), label maps have one channel. The segmentation transforms work on this type so
 * that cropping, flipping and the photometric steps follow numpy's {@code uint8} semantics exactly, while resizing
 * and colour-space conversions go through OpenCV as mmcv's do.
 */
public final class ByteImage {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] data;

    /** Wraps {@code data} (not copied), length {@code height * width * channels}. */
    public ByteImage(int width, int height, int channels, byte[] data) {
        if (width < 1 || height < 1 || channels < 1) {
            throw new IllegalArgumentException("Invalid image size " + width + "x" + height + "x" + channels);
        }
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("Data length " + data.length + " does not match " + width + "x"
                    + height + "x" + channels);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    /** A zero-filled image. */
    public ByteImage(int width, int height, int channels) {
        this(width, height, channels, new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)]);
    }

    /** Copies an 8-bit OpenCV matrix (1 or 3 channels; views and non-continuous matrices are fine). */
    public static ByteImage fromMat(Mat mat) {
        if (mat.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("Expected an 8-bit matrix, got depth " + mat.depth());
        }
        Mat src = mat.isContinuous() ? mat : mat.clone();
        try {
            ByteImage img = new ByteImage(src.cols(), src.rows(), src.channels());
            src.data().get(img.data, 0, img.data.length);
            return img;
        } finally {
            if (src != mat) {
                src.release();
            }
        }
    }

    /** A new OpenCV matrix holding a copy of the pixels; the caller releases it. */
    public Mat toMat() {
        Mat m = new Mat(height, width, CV_8UC(channels));
        m.data().put(data, 0, data.length);
        return m;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** The backing array (not a copy), HWC. */
    public byte[] data() {
        return data;
    }

    /** Sample {@code c} of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }

    public void set(int x, int y, int c, int value) {
        data[(y * width + x) * channels + c] = (byte) value;
    }

    public ByteImage copy() {
        return new ByteImage(width, height, channels, data.clone());
    }

    /**
     * numpy's {@code img[y1:y1+h, x1:x1+w]}: the box is clipped to the image, as slicing does.
     */
    public ByteImage crop(int x1, int y1, int w, int h) {
        int x2 = Math.min(width, x1 + w), y2 = Math.min(height, y1 + h);
        if (x1 < 0 || y1 < 0 || x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("Empty crop " + x1 + "," + y1 + " " + w + "x" + h + " of " + width
                    + "x" + height);
        }
        int cw = x2 - x1, ch = y2 - y1, row = cw * channels;
        ByteImage out = new ByteImage(cw, ch, channels);
        for (int y = 0; y < ch; y++) {
            System.arraycopy(data, ((y1 + y) * width + x1) * channels, out.data, y * row, row);
        }
        return out;
    }

    /** mmcv {@code imflip(img, 'horizontal')}: mirrors the columns, in a new image. */
    public ByteImage flipHorizontal() {
        ByteImage out = new ByteImage(width, height, channels);
        for (int y = 0; y < height; y++) {
            int base = y * width * channels;
            for (int x = 0; x < width; x++) {
                System.arraycopy(data, base + x * channels, out.data, base + (width - 1 - x) * channels, channels);
            }
        }
        return out;
    }

    /**
     * mmcv {@code imresize(img, (w, h), interpolation)}: {@code cv2.resize} with the given OpenCV interpolation
     * code ({@code INTER_LINEAR} for images, {@code INTER_NEAREST} for label maps).
     */
    public ByteImage resize(int newWidth, int newHeight, int interpolation) {
        Mat src = toMat();
        Mat dst = new Mat();
        try {
            org.bytedeco.opencv.global.opencv_imgproc.resize(src, dst, new Size(newWidth, newHeight), 0, 0, interpolation);
            return fromMat(dst);
        } finally {
            src.release();
            dst.release();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteImage b && b.width == width && b.height == height && b.channels == channels
                && Arrays.equals(b.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + width * 7 + height * 3 + channels;
    }

    @Override
    public String toString() {
        return "ByteImage[" + width + "x" + height + "x" + channels + "]";
    }
}
