package org.fec.segmentation.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * mmcv's {@code poly} learning-rate policy per iteration: {@code (base - min) * (1 - it / total)^power + min}.
 * (ND4J's {@code PolySchedule} computes {@code base * (1 + it / total)^power}, which grows.)
 */
public class PolyDecaySchedule implements ISchedule {

    private final double base;
    private final double min;
    private final double power;
    private final int totalIterations;

    public PolyDecaySchedule(@JsonProperty("base") double base, @JsonProperty("min") double min,
                             @JsonProperty("power") double power,
                             @JsonProperty("totalIterations") int totalIterations) {
        if (totalIterations < 1) {
            throw new IllegalArgumentException("totalIterations must be positive, got " + totalIterations);
        }
        this.base = base;
        this.min = min;
        this.power = power;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double progress = Math.min(1.0, (double) iteration / totalIterations);
        return (base - min) * Math.pow(1.0 - progress, power) + min;
    }

    @Override
    public ISchedule clone() {
        return new PolyDecaySchedule(base, min, power, totalIterations);
    }

    public double getBase() {
        return base;
    }

    public double getMin() {
        return min;
    }

    public double getPower() {
        return power;
    }

    public int getTotalIterations() {
        return totalIterations;
    }

    /**
     * Value equality: DL4J groups parameters whose updater configurations are equal into one updater-state block,
     * so a schedule restored from JSON (a new object) must equal the original or a resumed run would read another
     * layout of the Adam state.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof PolyDecaySchedule o && o.base == base && o.min == min && o.power == power && o.totalIterations == totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, min, power, totalIterations);
    }
}
