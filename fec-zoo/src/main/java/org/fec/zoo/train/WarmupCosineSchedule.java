package org.fec.zoo.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * timm's cosine schedule per iteration: linear warm-up from {@code warmupStart} to {@code base}, then cosine decay
 * to {@code min} at {@code totalIterations} (and {@code min} after).
 */
public class WarmupCosineSchedule implements ISchedule {

    private final double base;
    private final double min;
    private final double warmupStart;
    private final int warmupIterations;
    private final int totalIterations;

    public WarmupCosineSchedule(@JsonProperty("base") double base, @JsonProperty("min") double min,
                                @JsonProperty("warmupStart") double warmupStart,
                                @JsonProperty("warmupIterations") int warmupIterations,
                                @JsonProperty("totalIterations") int totalIterations) {
        this.base = base;
        this.min = min;
        this.warmupStart = warmupStart;
        this.warmupIterations = warmupIterations;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupIterations) {
            return warmupStart + (base - warmupStart) * iteration / warmupIterations;
        }
        int decay = Math.max(1, totalIterations - warmupIterations);
        double t = Math.min(1.0, (double) (iteration - warmupIterations) / decay);
        return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(base, min, warmupStart, warmupIterations, totalIterations);
    }

    public double getBase() {
        return base;
    }

    public double getMin() {
        return min;
    }

    public double getWarmupStart() {
        return warmupStart;
    }

    public int getWarmupIterations() {
        return warmupIterations;
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
        return other instanceof WarmupCosineSchedule o && o.base == base && o.min == min && o.warmupStart == warmupStart && o.warmupIterations == warmupIterations && o.totalIterations == totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, min, warmupStart, warmupIterations, totalIterations);
    }
}
