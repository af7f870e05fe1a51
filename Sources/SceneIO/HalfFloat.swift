/// IEEE 754 binary16 ⇄ binary32 conversion on bit patterns. Written out by hand because `Float16`
/// is not available on every platform Swift targets; results match numpy's `astype` exactly
/// (round to nearest, ties to even; overflow to ±inf; NaN stays NaN).
public enum HalfFloat {
    /// Exact widening of a half-precision bit pattern to `Float`.
    @inlinable
    public static func float(fromBits h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1f
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0x1f {
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Subnormal half: mantissa · 2⁻²⁴, exactly representable in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// Rounds `f` to the nearest half-precision value (ties to even) and returns its bit pattern.
    @inlinable
    public static func bits(from f: Float) -> UInt16 {
        let x = f.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xff)
        let mantissa = x & 0x7f_ffff
        if exponent == 0xff {
            // Keep NaN a (quiet) NaN even when its payload lives only in the low bits.
            return mantissa == 0 ? sign | 0x7c00 : sign | 0x7e00 | UInt16(mantissa >> 13)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1f { return sign | 0x7c00 }
        if halfExponent <= 0 {
            // Result is subnormal (or zero): value = m · 2^(exponent-150), half unit = 2⁻²⁴.
            if halfExponent < -10 { return sign }
            let m = mantissa | 0x80_0000
            let shift = UInt32(126 - exponent)
            return sign | UInt16(roundShift(m, by: shift))
        }
        // A carry out of the mantissa correctly bumps the exponent (and 0x7bff+1 becomes inf).
        let rounded = roundShift(mantissa, by: 13)
        return sign | UInt16((UInt32(halfExponent) << 10) + rounded)
    }

    /// `value >> shift`, rounded to nearest with ties to even.
    @inlinable
    static func roundShift(_ value: UInt32, by shift: UInt32) -> UInt32 {
        let kept = value >> shift
        let remainder = value & ((1 << shift) - 1)
        let half: UInt32 = 1 << (shift - 1)
        if remainder > half || (remainder == half && kept & 1 == 1) { return kept + 1 }
        return kept
    }
}
