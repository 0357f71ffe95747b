package org.fec.zoo;

import java.util.List;

/**
 * The accuracies the FEC paper (Chen et al., CVPR 2024, Tables 1-3) reports for each entry: ImageNet-1k top-1 of the
 * classifiers (224x224), ADE20K val mIoU of Semantic FPN on the {@code _seg} backbones (512x512 crops, 80k
 * iterations) and COCO val2017 box / mask AP of Mask R-CNN 1x on the {@code _det} backbones. The authors' README
 * lists none; these are the paper's tables as later papers reproduce them (HCFormer's Tables 1-3, DCCNeXt's
 * "FEC-Small 72.7%"). They are what the reference training recipes reach, not something this project has measured.
 */
public final class PaperResults {

    /** One reported figure, e.g. {@code ("ImageNet-1k top-1", 72.7)}, in percent. */
    public record Metric(String name, double percent) {
        @Override
        public String toString() {
            return String.format("%s %.1f", name, percent);
        }
    }

    private PaperResults() {
    }

    /** The paper's figures for an entry name ({@code fec_small}, {@code fec_base_seg}, ...). */
    public static List<Metric> of(String name) {
        FecConfig.named(name);
        String size = name.split("_")[1];
        int i = switch (size) {
            case "small" -> 0;
            case "base" -> 1;
            case "large" -> 2;
            default -> throw new IllegalArgumentException("No paper results for " + name);
        };
        if (name.endsWith("_seg")) {
            return List.of(new Metric("ADE20K mIoU", new double[]{35.3, 37.7, 40.5}[i]));
        }
        if (name.endsWith("_det")) {
            return List.of(new Metric("COCO AP box", new double[]{35.6, 37.9, 39.9}[i]),
                    new Metric("AP mask", new double[]{33.6, 35.5, 37.3}[i]));
        }
        return List.of(new Metric("ImageNet-1k top-1", new double[]{72.7, 78.1, 81.2}[i]));
    }
}
