import Foundation

/// The parsed header of an `.npy` file: what the array is and where its data starts.
public struct NpyHeader: Sendable, Equatable {
    public var dtype: NpyDType
    public var shape: [Int]
    /// Byte offset of the first element in the file.
    public var dataOffset: Int
    /// Format version the file declared (1, 2 or 3).
    public var majorVersion: UInt8

    /// Number of elements (product of `shape`).
    public var count: Int { NpyArray.elementCount(shape) ?? 0 }
    /// Size in bytes of the data that must follow the header.
    public var dataByteCount: Int { count * dtype.itemSize }

    static let magic: [UInt8] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]
    /// Bytes before the dictionary: magic, version and (2- or 4-byte) length.
    static let maxPreambleLength = 12

    // MARK: - Parsing

    /// Parses the header from the first bytes of a file; `prefix` must hold the whole header
    /// (see `declaredLength`). `url` only names the file in errors.
    static func parse(_ prefix: [UInt8], url: URL) throws(SceneIOError) -> NpyHeader {
        guard prefix.count >= 10, Array(prefix[0..<6]) == magic else {
            throw .npyBadMagic(url: url, found: Array(prefix.prefix(6)))
        }
        let major = prefix[6], minor = prefix[7]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw .npyUnsupportedVersion(url: url, major: major, minor: minor)
        }
        guard minor == 0 else { throw .npyUnsupportedVersion(url: url, major: major, minor: minor) }
        guard prefix.count >= 8 + lengthBytes else {
            throw .npyMalformedHeader(url: url, reason: "file ends inside the header length field")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(prefix[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard prefix.count >= start + headerLength else {
            throw .npyMalformedHeader(
                url: url, reason: "header declares \(headerLength) bytes but the file ends after \(prefix.count - start)")
        }
        guard let text = String(validating: prefix[start..<(start + headerLength)], as: UTF8.self) else {
            throw .npyMalformedHeader(url: url, reason: "header is not valid UTF-8")
        }
        var parser = PythonLiteralParser(text: text)
        guard case let .dict(entries)? = try? parser.parseValue() else {
            throw .npyMalformedHeader(url: url, reason: "header is not a Python dict literal: \(text.prefix(120))")
        }
        guard case let .string(descr)? = entries["descr"] else {
            throw .npyMalformedHeader(url: url, reason: "missing or non-string 'descr' (structured dtypes are not supported)")
        }
        guard case let .bool(fortran)? = entries["fortran_order"] else {
            throw .npyMalformedHeader(url: url, reason: "missing or non-boolean 'fortran_order'")
        }
        guard case let .tuple(dimensions)? = entries["shape"] else {
            throw .npyMalformedHeader(url: url, reason: "missing or non-tuple 'shape'")
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case let .int(value) = dimension else {
                throw .npyMalformedHeader(url: url, reason: "shape entries must be integers")
            }
            shape.append(value)
        }
        if descr.hasPrefix(">") { throw .npyBigEndian(url: url, descr: descr) }
        guard let dtype = NpyDType(descr: descr) else {
            throw .npyUnsupportedDType(url: url, descr: descr, supported: NpyDType.allCases.map(\.descr))
        }
        guard NpyArray.elementCount(shape) != nil,
              (NpyArray.elementCount(shape) ?? 0).multipliedReportingOverflow(by: dtype.itemSize).overflow == false
        else { throw .npyInvalidShape(url: url, shape: shape) }
        // A 0-d or 1-d array is the same in both orders; numpy itself writes False for them.
        if fortran && shape.filter({ $0 > 1 }).count > 1 { throw .npyFortranOrder(url: url, shape: shape) }
        return NpyHeader(dtype: dtype, shape: shape, dataOffset: start + headerLength, majorVersion: major)
    }

    /// The total header size (preamble + dictionary) implied by the first bytes, or nil if unknown yet.
    static func declaredLength(_ prefix: [UInt8]) -> Int? {
        guard prefix.count >= 10, Array(prefix[0..<6]) == magic else { return nil }
        if prefix[6] == 1 { return 10 + (Int(prefix[8]) | Int(prefix[9]) << 8) }
        guard prefix.count >= 12 else { return nil }
        var length = 0
        for i in 0..<4 { length |= Int(prefix[8 + i]) << (8 * i) }
        return 12 + length
    }

    // MARK: - Formatting

    /// The full header (preamble + dictionary + padding) for an array, padded so the data starts on
    /// a 64-byte boundary as numpy does; version 1.0 unless the dictionary needs more than 65535 bytes.
    static func encode(dtype: NpyDType, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        var body = Array(dict.utf8)
        var version: UInt8 = 1
        var preamble = 10
        if (preamble + body.count + 1 + 63) / 64 * 64 - preamble > 0xffff {
            version = 2
            preamble = 12
        }
        let total = (preamble + body.count + 1 + 63) / 64 * 64
        body.append(contentsOf: repeatElement(UInt8(ascii: " "), count: total - preamble - body.count - 1))
        body.append(UInt8(ascii: "\n"))
        var header = magic + [version, 0]
        let length = body.count
        let lengthBytes = version == 1 ? 2 : 4
        for i in 0..<lengthBytes { header.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        return header + body
    }
}
