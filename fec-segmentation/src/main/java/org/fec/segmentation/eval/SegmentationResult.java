package org.fec.segmentation.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * mmsegmentation's mIoU metrics from summed per-class pixel counts. Immutable: accessors return copies.
 *
 * <p>Fractions, not percent: {@code aAcc = sum(intersect) / sum(label)}, {@code IoU[c] = intersect[c] / union[c]},
 * {@code Acc[c] = intersect[c] / label[c]} (NaN for 0/0), {@code mIoU} and {@code mAcc} as {@code np.nanmean}.
 * {@link #percent(double)} rounds like mmseg's report, {@link #table(List)} prints it.
 */
public final class SegmentationResult {
    private final long[] totalAreaIntersect;
    private final long[] totalAreaUnion;
    private final long[] totalAreaPredLabel;
    private final long[] totalAreaLabel;
    private final double aAcc;
    private final double[] iou;
    private final double[] acc;
    private final double mIoU;
    private final double mAcc;

    /** From the four per-class totals (copied); union must be {@code pred + label - intersect}. */
    public SegmentationResult(long[] intersect, long[] union, long[] predLabel, long[] label) {
        int n = intersect.length;
        if (union.length != n || predLabel.length != n || label.length != n) {
            throw new IllegalArgumentException("area arrays differ in length");
        }
        this.totalAreaIntersect = intersect.clone();
        this.totalAreaUnion = union.clone();
        this.totalAreaPredLabel = predLabel.clone();
        this.totalAreaLabel = label.clone();
        this.iou = new double[n];
        this.acc = new double[n];
        long sumIntersect = 0;
        long sumLabel = 0;
        for (int c = 0; c < n; c++) {
            // 0.0 / 0 is NaN in Java as in torch, which is exactly mmseg's "absent class" marker
            iou[c] = (double) intersect[c] / union[c];
            acc[c] = (double) intersect[c] / label[c];
            sumIntersect += intersect[c];
            sumLabel += label[c];
        }
        this.aAcc = (double) sumIntersect / sumLabel;
        this.mIoU = nanMean(iou);
        this.mAcc = nanMean(acc);
    }

    public int numClasses() {
        return iou.length;
    }

    /** Overall pixel accuracy (fraction); NaN when no labelled pixel fell into a class. */
    public double aAcc() {
        return aAcc;
    }

    public double mIoU() {
        return mIoU;
    }

    public double mAcc() {
        return mAcc;
    }

    /** Per-class IoU (fractions, NaN where union is 0). */
    public double[] iou() {
        return iou.clone();
    }

    /** Per-class accuracy (fractions, NaN where the class has no labelled pixel). */
    public double[] acc() {
        return acc.clone();
    }

    public long[] totalAreaIntersect() {
        return totalAreaIntersect.clone();
    }

    public long[] totalAreaUnion() {
        return totalAreaUnion.clone();
    }

    public long[] totalAreaPredLabel() {
        return totalAreaPredLabel.clone();
    }

    public long[] totalAreaLabel() {
        return totalAreaLabel.clone();
    }

    /**
     * {@code np.round(x * 100, 2)}: NumPy multiplies by 10^2, rounds half to even and divides, so
     * doing the same steps in double gives the very numbers mmseg reports.
     */
    public static double percent(double fraction) {
        return Math.rint(fraction * 100 * 100) / 100;
    }

    /**
     * mmseg's evaluation report: the per-class table (IoU and Acc in percent) and the summary
     * (aAcc, mIoU, mAcc in percent), values printed as Python prints the rounded floats ("85.0",
     * "66.67", "nan").
     */
    public String table(List<String> classNames) {
        if (classNames.size() != numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + numClasses() + " classes");
        }
        List<String[]> rows = new ArrayList<>();
        for (int c = 0; c < numClasses(); c++) {
            rows.add(new String[] {classNames.get(c), formatPercent(iou[c]), formatPercent(acc[c])});
        }
        List<String[]> summary = new ArrayList<>();
        summary.add(new String[] {formatPercent(aAcc), formatPercent(mIoU), formatPercent(mAcc)});
        return "per class results:\n"
                + AsciiTable.render(new String[] {"Class", "IoU", "Acc"}, rows)
                + "Summary:\n"
                + AsciiTable.render(new String[] {"aAcc", "mIoU", "mAcc"}, summary);
    }

    /** One line: {@code aAcc: 67.8  mIoU: 32.41  mAcc: 60.53} (percent). */
    public String summaryLine() {
        return "aAcc: " + formatPercent(aAcc) + "  mIoU: " + formatPercent(mIoU) + "  mAcc: " + formatPercent(mAcc);
    }

    /** Python's {@code str()} of {@link #percent}: shortest form with at least one decimal, "nan" for NaN. */
    static String formatPercent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "nan";
        }
        // percent() is hundredths / 100, so print that integer count of hundredths directly, avoiding
        // Double.toString's exponent forms
        long hundredths = (long) Math.rint(fraction * 100 * 100);
        String sign = hundredths < 0 ? "-" : "";
        long abs = Math.abs(hundredths);
        long cents = abs % 100;
        String decimals = cents % 10 == 0 ? String.valueOf(cents / 10) : String.format(Locale.ROOT, "%02d", cents);
        return sign + (abs / 100) + "." + decimals;
    }

    /**
     * {@code np.nanmean}: NaNs replaced by 0, NumPy's pairwise sum over the whole array, divided by the
     * number of non-NaN entries (NaN if there is none).
     */
    static double nanMean(double[] values) {
        double[] zeroed = new double[values.length];
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                zeroed[i] = values[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : pairwiseSum(zeroed, 0, zeroed.length) / count;
    }

    /** NumPy's {@code pairwise_sum} (numpy/core/src/umath/loops_utils.h), so the rounding matches. */
    static double pairwiseSum(double[] a, int start, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[start + i];
            }
            return res;
        } else if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[start + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[start + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[start + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
        }
    }

    @Override
    public String toString() {
        return "SegmentationResult[" + summaryLine() + ", classes=" + numClasses() + "]";
    }

    /** A PrettyTable-like text table (centred cells), as mmseg logs its results. */
    private static final class AsciiTable {
        static String render(String[] header, List<String[]> rows) {
            int[] width = new int[header.length];
            for (int j = 0; j < header.length; j++) {
                width[j] = header[j].length();
                for (String[] row : rows) {
                    width[j] = Math.max(width[j], row[j].length());
                }
            }
            StringBuilder rule = new StringBuilder("+");
            for (int w : width) {
                rule.append("-".repeat(w + 2)).append('+');
            }
            StringBuilder sb = new StringBuilder();
            sb.append(rule).append('\n');
            appendRow(sb, header, width);
            sb.append(rule).append('\n');
            for (String[] row : rows) {
                appendRow(sb, row, width);
            }
            sb.append(rule).append('\n');
            return sb.toString();
        }

        private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
            sb.append('|');
            for (int j = 0; j < cells.length; j++) {
                sb.append(' ').append(centre(cells[j], width[j])).append(" |");
            }
            sb.append('\n');
        }

        /** PrettyTable's centring: with uneven padding the extra space goes right for odd-length text. */
        private static String centre(String text, int width) {
            int excess = width - text.length();
            int left = excess / 2;
            int right = excess / 2;
            if (excess % 2 != 0) {
                if (text.length() % 2 != 0) {
                    right++;
                } else {
                    left++;
                }
            }
            return " ".repeat(left) + text + " ".repeat(right);
        }
    }
}
