import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Fast readers for the benchmark's "one integer per line" text files (masks and ground-truth ids).
///
/// A line holds one optionally signed decimal integer, optionally surrounded by spaces, tabs or a
/// `\r`; a final newline is optional. Anything else (an empty line, "1.0", two numbers) is an error,
/// as it is for the benchmark script's `int()` conversion.
public enum IntegerLines {
    /// Reads a whole file into memory with plain POSIX calls (no Foundation bridging on the hot path).
    static func bytes(of url: URL) throws(EvalError) -> [UInt8] {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(url: url, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(url: url, reason: "cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        var failed = false
        let buffer = [UInt8](unsafeUninitializedCapacity: size) { storage, initialized in
            var done = 0
            while done < size {
                let got = read(fd, storage.baseAddress.map { $0 + done }, size - done)
                if got <= 0 { failed = got < 0; break }
                done += got
            }
            initialized = done
        }
        if failed { throw .unreadable(url: url, reason: "read failed: \(String(cString: strerror(errno)))") }
        return buffer
    }

    /// The (0-based) line numbers whose integer is non-zero (a predicted mask as point indices) and the number of
    /// lines (the points the mask covers), from one read.
    public static func nonzeroLinesAndCount(of url: URL) throws(EvalError) -> (points: [Int32], count: Int) {
        let data = try bytes(of: url)
        var points: [Int32] = []
        let (lines, bad) = data.withUnsafeBytes { raw in
            scan(raw, nonzeroOnly: true) { line, _, _ in points.append(Int32(truncatingIfNeeded: line)) }
        }
        if let bad { throw .malformedFile(url: url, line: bad, reason: "expected one integer on the line") }
        return (points, lines)
    }

    /// Every line's integer: benchmark ground-truth ids.
    public static func values(of url: URL) throws(EvalError) -> [Int] {
        let data = try bytes(of: url)
        var values: [Int] = []
        values.reserveCapacity(data.count / 2)
        let (_, bad) = data.withUnsafeBytes { raw in scan(raw, nonzeroOnly: false) { _, value, _ in values.append(value) } }
        if let bad { throw .malformedFile(url: url, line: bad, reason: "expected one integer on the line") }
        return values
    }

    /// Calls `body(lineIndex, value, value != 0)` per line (only for non-zero values when `nonzeroOnly`);
    /// returns the number of lines, and the first malformed line (1-based) if any, at which scanning stopped.
    ///
    /// Fast path: masks are mostly "0\n"/"1\n" lines, so four such lines are recognised at once in one
    /// unaligned 64-bit load (even bytes '0' or '1', odd bytes '\n'); anything else takes the per-line path.
    @inline(__always)
    static func scan(_ raw: UnsafeRawBufferPointer, nonzeroOnly: Bool,
                     _ body: (Int, Int, Bool) -> Void) -> (lines: Int, malformedLine: Int?) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        let n = raw.count
        var i = 0
        var line = 0
        let newlines: UInt64 = 0x0A00_0A00_0A00_0A00, digitBytes: UInt64 = 0x00FF_00FF_00FF_00FF
        let zeros: UInt64 = 0x0030_0030_0030_0030
        while i < n {
            if i + 8 <= n {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let digits = word & digitBytes
                if word & ~digitBytes == newlines && digits & ~0x0001_0001_0001_0001 == zeros {
                    if digits != zeros || !nonzeroOnly {
                        for k in 0..<4 {
                            let one = (digits >> (16 * k)) & 1 == 1
                            if one || !nonzeroOnly { body(line + k, one ? 1 : 0, one) }
                        }
                    }
                    line += 4
                    i += 8
                    continue
                }
            }
            var j = i
            while j < n && (raw[j] == space || raw[j] == tab) { j += 1 }
            var negative = false
            if j < n && (raw[j] == UInt8(ascii: "-") || raw[j] == UInt8(ascii: "+")) {
                negative = raw[j] == UInt8(ascii: "-")
                j += 1
            }
            let digitsStart = j
            var value = 0
            while j < n && raw[j] >= zero && raw[j] <= nine {
                value = value &* 10 &+ Int(raw[j] &- zero)
                j += 1
            }
            let digitCount = j - digitsStart
            while j < n && (raw[j] == space || raw[j] == tab || raw[j] == cr) { j += 1 }
            guard digitCount > 0, digitCount <= 18, j == n || raw[j] == lf else { return (line, line + 1) }
            if negative { value = -value }
            if value != 0 || !nonzeroOnly { body(line, value, value != 0) }
            line += 1
            i = j + 1
        }
        return (line, nil)
    }
}
