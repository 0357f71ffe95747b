package org.fec.segmentation.cli;

import org.fec.datavec.ade20k.SegEvalTransform;
import org.fec.datavec.ade20k.SegNormalization;
import org.fec.zoo.cli.Args;

/** Options shared by the seg-* commands. */
final class SegOptions {

    private SegOptions() {
    }

    /** {@code --scale LONGxSHORT} (default 2048x512) as {long, short}. */
    static int[] scale(Args a) {
        String s = a.optional("scale", "2048x512");
        String[] p = s.toLowerCase().split("x");
        try {
            int[] v = {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            if (p.length != 2 || v[0] < 32 || v[1] < 32) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException e) {
            throw new Args.UsageException("--scale expects LONGxSHORT with sides >= 32, e.g. 2048x512; got '" + s
                    + "'");
        }
    }

    static SegEvalTransform evalTransform(Args a) {
        int[] s = scale(a);
        return new SegEvalTransform(s[0], s[1], 32, SegNormalization.imagenet());
    }
}
