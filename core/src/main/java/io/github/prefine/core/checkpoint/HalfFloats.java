package io.github.prefine.core.checkpoint;

/** Bit-level conversions from the two 16-bit float formats to IEEE single precision. */
final class HalfFloats {

    private HalfFloats() {}

    /**
     * Widens an IEEE 754 half-precision value (F16) to a float, exactly.
     *
     * @param bits the 16 bits in the low half of an int
     * @return the same value as a float
     */
    static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            // infinity or NaN: keep the payload
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: value = mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /**
     * Widens a bfloat16 value (the upper half of a float) to a float, exactly.
     *
     * @param bits the 16 bits in the low half of an int
     * @return the same value as a float
     */
    static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
