package org.fec.segmentation.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import javax.imageio.ImageIO;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fec.datavec.ade20k.SegEvalTransform;
import org.fec.segmentation.SegModels;
import org.fec.segmentation.SegPrediction;
import org.fec.segmentation.SegVisualization;
import org.fec.segmentation.eval.LabelMaps;
import org.fec.zoo.FecGraphs;
import org.fec.zoo.cli.Args;
import org.fec.zoo.cli.FecCommand;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code fec seg-predict}: one image in, coloured label map, overlay and class-index PNGs out. */
public final class SegPredictCommand implements FecCommand {

    @Override
    public String name() {
        return "seg-predict";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  seg-predict --model NAME --checkpoint FILE [...] --image IMG --output PREFIX [--scale 2048x512]",
                "              [--num-classes N]",
                "      Segments one image: PREFIX_labels.png (class colours, ADE20K palette), PREFIX_overlay.png (image",
                "      and colours blended) and PREFIX_classes.png (class indices, 8-bit grey; usable by seg-eval --pred).");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = new Args(argv, 1, Set.of("model", "checkpoint", "image", "output", "scale", "num-classes"), Set.of());
        String name = a.required("model");
        Args.model(name.endsWith("_seg") ? name : name + "_seg");
        Path image = Path.of(a.required("image"));
        if (!Files.isRegularFile(image)) {
            throw new java.io.IOException("Image not found: " + image);
        }
        String prefix = a.required("output");
        SegEvalTransform transform = SegOptions.evalTransform(a);
        ComputationGraph model = SegModels.load(name, a.checkpoints(), a.optionalInteger("num-classes"),
                new FecGraphs.Options(), true).graph();
        SegEvalTransform.Result input = transform.apply(image);
        int h = input.originalHeight(), w = input.originalWidth();
        INDArray classes = SegPrediction.classes(model, input.image().reshape(1, 3, input.image().size(1),
                input.image().size(2)), h, w);
        int[] flat = classes.reshape(-1).toIntVector();
        BufferedImage original = ImageIO.read(image.toFile());
        if (original == null) {
            throw new java.io.IOException("Cannot read " + image + " for the overlay");
        }
        SegVisualization.writePng(SegVisualization.coloured(flat, h, w), Path.of(prefix + "_labels.png"));
        SegVisualization.writePng(SegVisualization.overlay(original, flat, h, w), Path.of(prefix + "_overlay.png"));
        LabelMaps.writePng(Path.of(prefix + "_classes.png"), flat, h, w);
        System.out.printf("wrote %s_labels.png, %s_overlay.png and %s_classes.png (%dx%d)%n", prefix, prefix, prefix,
                w, h);
    }
}
