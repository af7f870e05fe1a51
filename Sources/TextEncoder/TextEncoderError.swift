/// Errors of the text encoder: model files, weights and inputs, each naming the file and the field.
public enum TextEncoderError: Error, Equatable, CustomStringConvertible {
    /// No model folder was found; `searched` lists where, `fetch` is the command that installs it.
    case modelNotFound(searched: [String], fetch: String)
    /// A model file could not be read.
    case unreadable(path: String, reason: String)
    /// `model.safetensors` does not have the expected SHA-256.
    case wrongHash(path: String, expected: String, actual: String)
    /// A tensor the encoder needs is absent from the weights file.
    case missingTensor(path: String, tensor: String)
    /// A tensor has the wrong shape or dtype.
    case wrongShape(path: String, tensor: String, expected: [Int], actual: [Int])
    case wrongDType(path: String, tensor: String, expected: String, actual: String)
    /// The vocabulary lacks a token the tokenizer needs (`[CLS]`, `[SEP]`, `[UNK]`, `[PAD]`) or has too few lines.
    case badVocabulary(path: String, reason: String)
    /// Input text that is not valid UTF-8, with the byte offset of the first bad byte.
    case invalidUTF8(path: String, byteOffset: Int)
    /// A phrases file that is neither a JSON array of strings nor text.
    case badPhraseFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .modelNotFound(searched, fetch):
            return "text model not found (looked in \(searched.joined(separator: ", "))); install it with: \(fetch)"
        case let .unreadable(path, reason): return "\(path): unreadable: \(reason)"
        case let .wrongHash(path, expected, actual):
            return "\(path): SHA-256 \(actual), expected \(expected) (a different or damaged file; re-run tools/setup.sh --model)"
        case let .missingTensor(path, tensor): return "\(path): tensor \(tensor) is missing"
        case let .wrongShape(path, tensor, expected, actual):
            return "\(path): tensor \(tensor) has shape \(actual), expected \(expected)"
        case let .wrongDType(path, tensor, expected, actual):
            return "\(path): tensor \(tensor) has dtype \(actual), expected \(expected)"
        case let .badVocabulary(path, reason): return "\(path): \(reason)"
        case let .invalidUTF8(path, offset): return "\(path): invalid UTF-8 at byte offset \(offset)"
        case let .badPhraseFile(path, reason): return "\(path): \(reason)"
        }
    }
}
