package org.fec.zoo.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/** Checks the bit-twiddling half decoder against the arithmetic definition of binary16. */
class HalfPrecisionTest {

    @Test
    void everyHalfBitPatternMatchesItsDefinition() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int sign = bits >>> 15;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            float got = HalfPrecision.halfToFloat(bits);
            if (exp == 0x1f) {
                assertTrue(mant == 0 ? Float.isInfinite(got) : Float.isNaN(got), "bits " + bits);
                continue;
            }
            double magnitude = exp == 0
                    ? Math.scalb((double) mant, -24)                 // subnormal: mant * 2^-24
                    : Math.scalb(1.0 + mant / 1024.0, exp - 15);      // normal: 1.mant * 2^(e-15)
            double expected = sign == 1 ? -magnitude : magnitude;
            if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(got)) {
                fail("bits 0x" + Integer.toHexString(bits) + ": expected " + expected + ", got " + got);
            }
        }
    }

    @Test
    void bfloat16IsTheUpperHalfOfAFloat() {
        for (float f : new float[] {1f, -2.5f, 3.140625f, 0f, -0f, Float.POSITIVE_INFINITY}) {
            int bits = Float.floatToRawIntBits(f) >>> 16;
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(HalfPrecision.bfloat16ToFloat(bits)));
        }
        // sign-extended short input (as ByteBuffer.getShort returns) is masked
        assertEquals(-2.5f, HalfPrecision.bfloat16ToFloat((short) 0xC020));
    }
}
