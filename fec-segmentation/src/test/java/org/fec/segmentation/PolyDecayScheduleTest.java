package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fec.segmentation.train.PolyDecaySchedule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class PolyDecayScheduleTest {

    @Test
    void followsMmcvPoly() {
        PolyDecaySchedule s = new PolyDecaySchedule(1e-4, 0.0, 0.9, 80_000);
        assertEquals(1e-4, s.valueAt(0, 0), 1e-18);
        assertEquals(1e-4 * Math.pow(0.5, 0.9), s.valueAt(40_000, 0), 1e-18);
        assertEquals(0.0, s.valueAt(80_000, 0), 1e-18);
        assertEquals(0.0, s.valueAt(90_000, 0), 1e-18);
        PolyDecaySchedule withMin = new PolyDecaySchedule(1e-2, 1e-4, 1.0, 100);
        assertEquals(1e-4 + (1e-2 - 1e-4) * 0.75, withMin.valueAt(25, 0), 1e-15);
    }

    @Test
    void jsonRoundTrip() throws Exception {
        ObjectMapper m = new ObjectMapper();
        PolyDecaySchedule s = new PolyDecaySchedule(2e-3, 1e-5, 0.9, 300);
        ISchedule back = m.readValue(m.writeValueAsString(s), PolyDecaySchedule.class);
        assertEquals(s.valueAt(123, 0), back.valueAt(123, 0), 0.0);
        assertEquals(s, back, "a restored schedule must equal the original (DL4J groups updater state by equal configs)");
    }
}
