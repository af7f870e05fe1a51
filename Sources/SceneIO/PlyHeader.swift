import Foundation

/// Scalar types of the PLY format, with their canonical names (`uchar`, `float`, ...).
public enum PlyScalarType: String, Sendable, Equatable, CaseIterable, Codable {
    case char, uchar, short, ushort, int, uint, float, double

    /// Bytes per value in binary bodies.
    public var size: Int {
        switch self {
        case .char, .uchar: return 1
        case .short, .ushort: return 2
        case .int, .uint, .float: return 4
        case .double: return 8
        }
    }

    /// Whether the type holds integers (as opposed to floating-point values).
    public var isInteger: Bool { self != .float && self != .double }

    /// Parses canonical names and the sized aliases (`uint8`, `float32`, ...) some writers use.
    public init?(plyName: String) {
        switch plyName {
        case "char", "int8": self = .char
        case "uchar", "uint8": self = .uchar
        case "short", "int16": self = .short
        case "ushort", "uint16": self = .ushort
        case "int", "int32": self = .int
        case "uint", "uint32": self = .uint
        case "float", "float32": self = .float
        case "double", "float64": self = .double
        default: return nil
        }
    }
}

/// The body encoding of a PLY file.
public enum PlyFormat: String, Sendable, Equatable, Codable {
    case ascii
    case binaryLittleEndian = "binary_little_endian"
    case binaryBigEndian = "binary_big_endian"
}

/// One property of a PLY element: a scalar, or a list with a count type and an item type.
public struct PlyProperty: Sendable, Equatable, Codable {
    public var name: String
    /// Scalar type, or the item type of a list.
    public var type: PlyScalarType
    /// For list properties, the type of the leading count; nil for scalars.
    public var listCountType: PlyScalarType?

    public init(name: String, type: PlyScalarType, listCountType: PlyScalarType? = nil) {
        self.name = name
        self.type = type
        self.listCountType = listCountType
    }

    /// The header line declaring this property.
    var declaration: String {
        if let countType = listCountType { return "property list \(countType.rawValue) \(type.rawValue) \(name)" }
        return "property \(type.rawValue) \(name)"
    }
}

/// One element block of a PLY file (e.g. `vertex` with N records).
public struct PlyElement: Sendable, Equatable, Codable {
    public var name: String
    public var count: Int
    public var properties: [PlyProperty]

    /// Bytes per record in binary bodies, or nil when a list property makes records variable-sized.
    public var fixedRecordSize: Int? {
        var size = 0
        for property in properties {
            guard property.listCountType == nil else { return nil }
            size += property.type.size
        }
        return size
    }

    public func property(named name: String) -> PlyProperty? {
        properties.first { $0.name == name }
    }
}

/// The parsed header of a PLY file.
public struct PlyHeader: Sendable, Equatable, Codable {
    public var format: PlyFormat
    public var elements: [PlyElement]
    public var comments: [String]
    /// Byte offset where the body starts (just after `end_header\n`).
    public var bodyOffset: Int

    public func element(named name: String) -> PlyElement? {
        elements.first { $0.name == name }
    }

    /// Parses the header at the start of `bytes`. `url` only names the file in errors.
    static func parse(_ bytes: UnsafeRawBufferPointer, url: URL) throws(SceneIOError) -> PlyHeader {
        var lines: [String] = []
        var start = 0
        var bodyOffset: Int?
        // A header longer than this is not a PLY header; stop before scanning a whole binary body.
        let limit = min(bytes.count, 1 << 20)
        var i = 0
        while i < limit {
            if bytes[i] == 0x0a {
                var end = i
                if end > start, bytes[end - 1] == 0x0d { end -= 1 }
                let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                lines.append(line)
                start = i + 1
                if line.trimmingCharacters(in: .whitespaces) == "end_header" { bodyOffset = i + 1; break }
                if lines.count == 1, line != "ply" {
                    throw .plyMalformedHeader(url: url, line: 1, reason: "first line is '\(line.prefix(40))', expected 'ply'")
                }
            }
            i += 1
        }
        guard lines.first == "ply" else {
            throw .plyMalformedHeader(url: url, line: 1, reason: "file does not start with 'ply'")
        }
        guard let bodyOffset else {
            throw .plyMalformedHeader(url: url, line: lines.count, reason: "no 'end_header' line")
        }
        var format: PlyFormat?
        var elements: [PlyElement] = []
        var comments: [String] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "format":
                guard words.count == 3, let f = PlyFormat(rawValue: words[1]) else {
                    throw .plyMalformedHeader(url: url, line: number, reason: "bad format line '\(line)'")
                }
                guard words[2] == "1.0" else {
                    throw .plyMalformedHeader(url: url, line: number, reason: "version \(words[2]), expected 1.0")
                }
                format = f
            case "comment", "obj_info":
                comments.append(String(line.dropFirst(keyword.count).drop(while: { $0 == " " })))
            case "element":
                guard words.count == 3, let count = Int(words[2]), count >= 0 else {
                    throw .plyMalformedHeader(url: url, line: number, reason: "bad element line '\(line)'")
                }
                // Readers look elements and properties up by name: a second one of the same name would be
                // read with the first one's layout.
                guard !elements.contains(where: { $0.name == words[1] }) else {
                    throw .plyMalformedHeader(url: url, line: number, reason: "a second element named '\(words[1])'")
                }
                elements.append(PlyElement(name: words[1], count: count, properties: []))
            case "property":
                guard !elements.isEmpty else {
                    throw .plyMalformedHeader(url: url, line: number, reason: "property before any element")
                }
                let property = try parseProperty(words, line: number, url: url)
                guard elements[elements.count - 1].property(named: property.name) == nil else {
                    throw .plyMalformedHeader(url: url, line: number,
                                              reason: "a second property named '\(property.name)' in element '\(elements[elements.count - 1].name)'")
                }
                elements[elements.count - 1].properties.append(property)
            case "end_header":
                break
            default:
                throw .plyMalformedHeader(url: url, line: number, reason: "unknown keyword '\(keyword)'")
            }
        }
        guard let format else { throw .plyMalformedHeader(url: url, line: 2, reason: "no 'format' line") }
        return PlyHeader(format: format, elements: elements, comments: comments, bodyOffset: bodyOffset)
    }

    /// Checks every element's record count against `bodyBytes` before anything is allocated: a binary record
    /// takes at least its scalars' and list counts' bytes, an ASCII value at least a digit and a separator, and
    /// every record at least one byte. Overflowing products are reported, never wrapped.
    func checkCounts(bodyBytes: Int, url: URL) throws(SceneIOError) {
        var total = 0
        for element in elements {
            let perValue = format == .ascii ? 2 : 0
            var record = 0
            for property in element.properties {
                record += perValue > 0 ? perValue : (property.listCountType?.size ?? property.type.size)
            }
            record = max(record, 1)
            let (bytes, overflow) = element.count.multipliedReportingOverflow(by: record)
            let (sum, overflowSum) = total.addingReportingOverflow(bytes)
            guard !overflow, !overflowSum else {
                throw .plyElementTooLarge(url: url, element: element.name, count: element.count,
                                          minimumBytes: "\(element.count) × \(record) (overflows)", bodyBytes: bodyBytes)
            }
            // The same error the body walk would give once it ran out of bytes, before it allocates anything.
            guard sum <= bodyBytes else {
                throw .plyTruncated(url: url, element: element.name, record: max(0, bodyBytes - total) / record, of: element.count)
            }
            total = sum
        }
    }

    private static func parseProperty(_ words: [String], line: Int, url: URL) throws(SceneIOError) -> PlyProperty {
        if words.count == 5, words[1] == "list" {
            guard let countType = PlyScalarType(plyName: words[2]), countType.isInteger,
                  let itemType = PlyScalarType(plyName: words[3]) else {
                throw .plyMalformedHeader(url: url, line: line, reason: "bad list property '\(words.joined(separator: " "))'")
            }
            return PlyProperty(name: words[4], type: itemType, listCountType: countType)
        }
        guard words.count == 3, let type = PlyScalarType(plyName: words[1]) else {
            throw .plyMalformedHeader(url: url, line: line, reason: "bad property '\(words.joined(separator: " "))'")
        }
        return PlyProperty(name: words[2], type: type)
    }

    /// The header text for `elements` in `format`, ending with `end_header\n`.
    static func text(format: PlyFormat, elements: [PlyElement], comments: [String]) -> String {
        var text = "ply\nformat \(format.rawValue) 1.0\n"
        for comment in comments { text += "comment \(comment)\n" }
        for element in elements {
            text += "element \(element.name) \(element.count)\n"
            for property in element.properties { text += property.declaration + "\n" }
        }
        return text + "end_header\n"
    }
}

extension Ply {
    /// Reads only the header of the PLY file at `url` (format, elements, properties, comments).
    public static func readHeader(_ url: URL) throws(SceneIOError) -> PlyHeader {
        let file = try PosixFile(reading: url)
        var size = min(file.size, 4096)
        while true {
            let prefix = try file.readBytes(count: size, at: 0)
            let result = prefix.withUnsafeBytes { raw in
                Result { () throws(SceneIOError) in try PlyHeader.parse(raw, url: url) }
            }
            if case .failure(.plyMalformedHeader) = result, size < file.size, size < 1 << 20 {
                size = min(file.size, size * 8)
                continue
            }
            return try result.get()
        }
    }
}
