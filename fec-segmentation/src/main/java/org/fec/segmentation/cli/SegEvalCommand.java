package org.fec.segmentation.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.datavec.ade20k.Ade20kDataset;
import org.fec.segmentation.SegEvaluation;
import org.fec.segmentation.SegModels;
import org.fec.segmentation.eval.FolderEvaluation;
import org.fec.segmentation.eval.SegmentationResult;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.cli.Args;
import org.fec.zoo.cli.FecCommand;

/** {@code fec seg-eval}: mIoU of a model on a data set, or of a folder of predicted label maps. */
public final class SegEvalCommand implements FecCommand {

    @Override
    public String name() {
        return "seg-eval";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  seg-eval --model NAME --checkpoint FILE [...] --data DIR [--split validation|training] [--images N]",
                "           [--scale 2048x512] [--num-classes N] [--no-reduce-zero-label] [--workers W]",
                "  seg-eval --pred DIR --gt DIR --num-classes N [--reduce-zero-label]",
                "      mmseg's mIoU (histograms summed over the set): per-class IoU and accuracy (ADE20K names for 150",
                "      classes), aAcc, mIoU, mAcc. The first form runs the model (whole image, keep-ratio resize to",
                "      the scale with sides multiples of 32, logits resized back); the second pairs label maps",
                "      (.png or .npy) by file name.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "checkpoint", "data", "split", "images", "scale", "num-classes",
                "workers", "pred", "gt"), Set.of("no-reduce-zero-label", "reduce-zero-label"));
        if (a.optional("pred", null) != null || a.optional("gt", null) != null) {
            int classes = a.integer("num-classes", -1);
            if (classes < 2) {
                throw new Args.UsageException("--pred/--gt need --num-classes N (N >= 2)");
            }
            FolderEvaluation.runFolders(Path.of(a.required("pred")), Path.of(a.required("gt")), classes,
                    a.flag("reduce-zero-label"), System.out);
            return;
        }
        String name = a.required("model");
        Args.model(name.endsWith("_seg") ? name : name + "_seg");
        Path data = Path.of(a.required("data"));
        String split = a.optional("split", Ade20kDataset.VALIDATION);
        if (!split.equals(Ade20kDataset.VALIDATION) && !split.equals(Ade20kDataset.TRAINING)) {
            throw new Args.UsageException("--split must be validation or training, got '" + split + "'");
        }
        ComputationGraph model = SegModels.load(name, a.checkpoints(), a.optionalInteger("num-classes"),
                new FecGraphs.Options(), true).graph();
        int classes = org.fec.segmentation.SemanticFpn.numClasses(model);
        List<Ade20kDataset.Sample> samples = Ade20kDataset.scan(data, split, System.err);
        int limit = a.integer("images", 0);
        if (limit > 0 && samples.size() > limit) {
            samples = samples.subList(0, limit);
        }
        SegmentationResult r = SegEvaluation.evaluate(model, samples, SegOptions.evalTransform(a),
                !a.flag("no-reduce-zero-label"), classes, a.integer("workers",
                        Math.max(1, Runtime.getRuntime().availableProcessors())), System.out);
        System.out.print(r.table(FolderEvaluation.classNames(classes)));
        System.out.println(r.summaryLine());
    }
}
