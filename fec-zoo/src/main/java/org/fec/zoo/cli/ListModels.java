package org.fec.zoo.cli;

import org.fec.zoo.FecRegistry;
import org.fec.zoo.PaperResults;

import java.util.Arrays;

/** {@code fec list}: the zoo entries as a table. */
final class ListModels {

    private ListModels() {
    }

    static void run() {
        System.out.printf("%-14s %-10s %-14s %-18s %-12s %-12s %-9s %10s %8s  %-30s %s%n", "name", "kind", "layers", "dims",
                "heads", "proposals", "folds", "params", "GMACs", "paper (%)", "input / preprocessing");
        for (FecRegistry.Entry e : FecRegistry.list()) {
            var c = e.config();
            int[] dims = new int[4], heads = new int[4], prop = new int[4], folds = new int[4];
            for (int s = 0; s < 4; s++) {
                dims[s] = c.dim(s);
                heads[s] = c.heads(s);
                prop[s] = c.proposals(s);
                folds[s] = c.fold(s);
            }
            var p = e.preprocessing();
            System.out.printf("%-14s %-10s %-14s %-18s %-12s %-12s %-9s %10d %8.2f  %-30s %dx%d, crop_pct %.2f, %s, mean %s std %s%n",
                    c.name(), c.forkFeat() ? "backbone" : "classifier", compact(c.layers()), compact(dims),
                    compact(heads), compact(prop), compact(folds), e.parameters(), e.gmacs(), paper(e), e.inputSize(),
                    e.inputSize(), p.cropPct(), p.interpolation(), Arrays.toString(p.mean()), Arrays.toString(p.std()));
        }
    }

    private static String paper(FecRegistry.Entry e) {
        return String.join(", ", e.paperResults().stream().map(PaperResults.Metric::toString).toList());
    }

    private static String compact(int[] v) {
        return Arrays.toString(v).replace(" ", "");
    }
}
