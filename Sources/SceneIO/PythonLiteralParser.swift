/// A parser for the small subset of Python literals that `.npy` headers use:
/// dicts with string keys, strings, `True`/`False`, integers (with an optional `L` suffix from
/// Python 2 writers), tuples and lists. Anything else is a parse failure.
struct PythonLiteralParser {
    enum Value: Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case tuple([Value])
        case list([Value])
        case dict([String: Value])
    }

    struct Failure: Error {
        let offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0

    init(text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parseValue() throws(Failure) -> Value {
        skipSpace()
        guard index < bytes.count else { throw Failure(offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseDict()
        case UInt8(ascii: "("): return .tuple(try parseSequence(close: UInt8(ascii: ")")))
        case UInt8(ascii: "["): return .list(try parseSequence(close: UInt8(ascii: "]")))
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "T"): try expectWord("True"); return .bool(true)
        case UInt8(ascii: "F"): try expectWord("False"); return .bool(false)
        default: return .int(try parseInt())
        }
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { throw Failure(offset: index) }
        index += 1
    }

    private mutating func expectWord(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else {
            throw Failure(offset: index)
        }
        index += w.count
    }

    private mutating func parseString() throws(Failure) -> String {
        let quote = bytes[index]
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != quote {
            // Escapes never occur in dtype strings; refusing them keeps the parser honest.
            if bytes[index] == UInt8(ascii: "\\") { throw Failure(offset: index) }
            index += 1
        }
        guard index < bytes.count else { throw Failure(offset: index) }
        let value = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return value
    }

    private mutating func parseInt() throws(Failure) -> Int {
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(bytes[index] - 0x30))
            guard !o1, !o2 else { throw Failure(offset: index) }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw Failure(offset: index) }
        if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }
        return negative ? -value : value
    }

    private mutating func parseSequence(close: UInt8) throws(Failure) -> [Value] {
        index += 1
        var items: [Value] = []
        while true {
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index) }
            if bytes[index] == close { index += 1; return items }
            items.append(try parseValue())
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index) }
            if bytes[index] == UInt8(ascii: ",") { index += 1 } else if bytes[index] != close {
                throw Failure(offset: index)
            }
        }
    }

    private mutating func parseDict() throws(Failure) -> Value {
        index += 1
        var entries: [String: Value] = [:]
        while true {
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index) }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .dict(entries) }
            guard case let .string(key) = try parseValue() else { throw Failure(offset: index) }
            try expect(UInt8(ascii: ":"))
            entries[key] = try parseValue()
            skipSpace()
            guard index < bytes.count else { throw Failure(offset: index) }
            if bytes[index] == UInt8(ascii: ",") { index += 1 } else if bytes[index] != UInt8(ascii: "}") {
                throw Failure(offset: index)
            }
        }
    }
}
