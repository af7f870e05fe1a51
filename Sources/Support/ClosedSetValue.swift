/// A closed set of string values read from a config or preset: a value outside the set is refused with the
/// values that are allowed, rather than with the decoder's generic "cannot initialize" text.
public protocol ClosedSetValue: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension ClosedSetValue {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let allowed = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(raw)\" is not one of \(allowed)")
        }
        self = value
    }
}

extension ErrorText {
    /// A decoding error as "PATH: what is wrong" (the JSON path of the field, dotted, with [i] for array items);
    /// any other error as it describes itself.
    public static func decoding(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the top level" : text
        }
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case let .dataCorrupted(context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected a value of type \(type)"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): null where a value of type \(type) is expected"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        @unknown default:
            return String(describing: error)
        }
    }
}
