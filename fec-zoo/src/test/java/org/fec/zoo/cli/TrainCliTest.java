package org.fec.zoo.cli;

import org.fec.zoo.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fec train}'s augmentation flags and defaults, and the demo keeping them off. */
class TrainCliTest {

    @Test
    void defaultsAreTheReferenceRecipe() {
        TrainConfig c = Train.parse(new String[]{"train", "--data", "d"});
        assertEquals("rand-m9-mstd0.5-inc1", c.autoAugment);
        assertEquals(0.25, c.reprob);
        assertEquals(0.4, c.colorJitter);
        assertEquals(0.8, c.mixup);
        assertEquals(1.0, c.cutmix);
        assertEquals(1.0, c.mixupProb);
        assertEquals(0.5, c.mixupSwitchProb);
        assertEquals(0.1, c.labelSmoothing);
        assertTrue(c.mixupActive());
    }

    @Test
    void flagsSetTheAugmentations() {
        TrainConfig c = Train.parse(new String[]{"train", "--data", "d", "--aa", "rand-m7-n3", "--reprob", "0.5",
                "--color-jitter", "0.3", "--mixup", "0.2", "--cutmix", "0", "--mixup-prob", "0.7",
                "--mixup-switch-prob", "0.1"});
        assertEquals("rand-m7-n3", c.autoAugment);
        assertEquals(0.5, c.reprob);
        assertEquals(0.3, c.colorJitter);
        assertEquals(0.2, c.mixup);
        assertEquals(0.0, c.cutmix);
        assertEquals(0.7, c.mixupProb);
        assertEquals(0.1, c.mixupSwitchProb);
        TrainConfig off = Train.parse(new String[]{"train", "--data", "d", "--aa", "none", "--mixup", "0",
                "--cutmix", "0"});
        assertEquals("none", off.autoAugment);
        assertFalse(off.mixupActive());
    }

    @Test
    void badValuesAreUsageErrorsNamingThem() {
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> Train.parse(new String[]{"train", "--data", "d", "--aa", "rand-m9-bogus1"}));
        assertTrue(e.getMessage().contains("rand-m9-bogus1") && e.getMessage().contains("--aa"), e.getMessage());
        e = assertThrows(Args.UsageException.class,
                () -> Train.parse(new String[]{"train", "--data", "d", "--aa", "original-mstd0.5"}));
        assertTrue(e.getMessage().contains("original-mstd0.5"), e.getMessage());
        e = assertThrows(Args.UsageException.class,
                () -> Train.parse(new String[]{"train", "--data", "d", "--reprob", "1.5"}));
        assertTrue(e.getMessage().contains("--reprob") && e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(Args.UsageException.class,
                () -> Train.parse(new String[]{"train", "--data", "d", "--mixup", "-1"}));
        assertTrue(FecCli.USAGE.contains("--aa") && FecCli.USAGE.contains("--mixup-switch-prob"));
    }

    @Test
    void dashboardStatisticsEveryTenIterationsUnlessAsked() {
        assertEquals(10, Train.parse(new String[]{"train", "--data", "d"}).statsEvery);
        assertEquals(3, Train.parse(new String[]{"train", "--data", "d", "--stats-every", "3"}).statsEvery);
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> Train.parse(new String[]{"train", "--data", "d", "--stats-every", "0"}));
        assertTrue(e.getMessage().contains("--stats-every"), e.getMessage());
    }

    @Test
    void demoSwitchesEveryNewAugmentationOff() {
        TrainConfig c = Demo.config(new Args(new String[]{"demo", "--no-ui"}, 1, java.util.Set.of("data"),
                java.util.Set.of("no-ui")), Path.of("data"));
        assertEquals("none", c.autoAugment);
        assertEquals(0.0, c.reprob);
        assertEquals(0.0, c.colorJitter);
        assertEquals(0.0, c.mixup);
        assertEquals(0.0, c.cutmix);
        assertFalse(c.mixupActive());
        assertEquals(0.1, c.labelSmoothing);
        assertEquals(0.85, c.minScale);
        assertEquals(7, c.epochs);
    }
}
