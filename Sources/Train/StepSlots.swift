import Tensor

/// The samples of a training step. A step has `scenesPerStep` slots; slot k of step s draws all its randomness (scene,
/// augmentation, query share, vocabulary and view shuffles, 2D-object dropout) from `generator(seed:step:slot:)`, so
/// the sample is the same whichever rank computes it and a resumed run needs only the step count.
public enum StepSlots {
    /// The generator of slot `slot` of step `step` (0-based) in the run seeded `seed`: three SplitMix64 finaliser
    /// rounds over the run seed, the step and the slot, each mixed in with its own odd constant.
    public static func generator(seed: UInt64, step: Int, slot: Int) -> SeededGenerator {
        var h = SeededGenerator.mix(seed ^ 0x5EED_0F5E_ED5E_ED00)
        h = SeededGenerator.mix(h &+ (UInt64(truncatingIfNeeded: step) &+ 1) &* SeededGenerator.increment)
        h = SeededGenerator.mix(h ^ ((UInt64(truncatingIfNeeded: slot) &+ 1) &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: h)
    }

    /// The slots rank `rank` of `ranks` computes in a step of `count` slots: `rank, rank + ranks, …`.
    public static func slots(rank: Int, ranks: Int, count: Int) -> [Int] {
        Array(stride(from: rank, to: count, by: ranks))
    }

    /// Mean of each logged value over the slots that have it, summed in slot order (keys sorted).
    static func mean(_ slots: [[String: Double]]) -> [String: Double] {
        var out: [String: Double] = [:]
        for key in Set(slots.flatMap(\.keys)).sorted() {
            let present = slots.compactMap { $0[key] }
            out[key] = present.reduce(0, +) / Double(present.count)
        }
        return out
    }

    /// Logged values of a rank's slots as bytes for `GradientReducer.allGatherBytes`: per slot a key count, then per key
    /// (sorted) its UTF-8 length, bytes and the value's IEEE bits (little-endian), so values cross exactly.
    static func encode(_ slots: [[String: Double]]) -> [UInt8] {
        var out: [UInt8] = []
        func put(_ v: UInt64, bytes: Int) { for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        put(UInt64(slots.count), bytes: 4)
        for values in slots {
            put(UInt64(values.count), bytes: 4)
            for key in values.keys.sorted() {
                let utf8 = Array(key.utf8)
                put(UInt64(utf8.count), bytes: 4)
                out += utf8
                put((values[key] ?? 0).bitPattern, bytes: 8)
            }
        }
        return out
    }

    /// The inverse of `encode`; throws `badExchange` on a truncated buffer.
    static func decode(_ bytes: [UInt8]) throws(TrainError) -> [[String: Double]] {
        var at = 0
        func take(_ n: Int) throws(TrainError) -> UInt64 {
            guard at + n <= bytes.count else { throw .badExchange(reason: "logged values truncated at byte \(at) of \(bytes.count)") }
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
            at += n
            return v
        }
        var slots: [[String: Double]] = []
        for _ in 0..<(try take(4)) {
            var values: [String: Double] = [:]
            for _ in 0..<(try take(4)) {
                let n = Int(try take(4))
                guard at + n <= bytes.count else { throw .badExchange(reason: "key truncated at byte \(at) of \(bytes.count)") }
                let key = String(decoding: bytes[at..<(at + n)], as: UTF8.self)
                at += n
                values[key] = Double(bitPattern: try take(8))
            }
            slots.append(values)
        }
        return slots
    }
}

/// Every parameter's gradient as one flat float vector: the gradients in parameter order (zeros where none reached
/// the parameter), then one flag per parameter, 1 where a gradient reached it. Summing slot vectors sums both, so a
/// parameter no slot reached keeps no gradient (AdamW then leaves it alone, as in a one-scene step).
struct GradientLayout {
    let offsets: [Int]
    let counts: [Int]
    /// Floats per slot: every gradient element plus one flag per parameter.
    let width: Int

    init(_ parameters: [Parameter]) {
        var offsets: [Int] = [], at = 0
        for p in parameters { offsets.append(at); at += p.value.count }
        self.offsets = offsets
        counts = parameters.map(\.value.count)
        width = at + parameters.count
    }

    /// Appends the parameters' current gradients (one slot) to `buffer`.
    func append(_ parameters: [Parameter], to buffer: inout [Float]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: width))
        let flags = start + width - parameters.count
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let values = g.floats()
            buffer.replaceSubrange((start + offsets[i])..<(start + offsets[i] + counts[i]), with: values)
            buffer[flags + i] = 1
        }
    }

    /// Sets each parameter's gradient to the mean of the slot vectors starting at `slotOffsets` in `buffer`, summed in
    /// the order given (slot order), or to nil where no slot reached it.
    func assignMean(of buffer: [Float], slotOffsets: [Int], to parameters: [Parameter]) throws {
        var sum = [Float](repeating: 0, count: width)
        let n = width
        buffer.withUnsafeBufferPointer { b in
            sum.withUnsafeMutableBufferPointer { s in
                for start in slotOffsets { for j in 0..<n { s[j] += b[start + j] } }
            }
        }
        let k = Float(slotOffsets.count), flags = width - parameters.count
        for (i, p) in parameters.enumerated() {
            guard sum[flags + i] > 0 else { p.grad = nil; continue }
            let mean = sum[offsets[i]..<(offsets[i] + counts[i])].map { $0 / k }
            p.grad = try Tensor(mean, shape: p.value.shape, dtype: p.value.dtype)
        }
    }

    /// FNV-1a over the bits of every parameter value: equal on every rank while their parameters agree.
    static func checksum(_ parameters: [Parameter]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for p in parameters {
            for v in p.value.floats() { h = (h ^ UInt64(v.bitPattern)) &* 0x0000_0100_0000_01B3 }
        }
        return h
    }
}
