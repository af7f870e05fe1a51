import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file memory-mapped read-only: the header is parsed, the data stays in the page cache and is read
/// in place, so opening an 90 MB file costs a header parse and page faults on first touch, not a copy.
///
/// Only F32 tensors are handed out as pointers (`floats(_:)`); other dtypes are listed but refused there.
/// The mapping lives as long as this object; pointers from it must not outlive it.
public final class MappedSafetensors: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range in the data section.
        public let begin: Int, end: Int
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let dataStart: Int

    /// Maps `path` and parses its header; throws `fileUnreadable` or `invalidSafetensors` naming the file.
    public init(path: String) throws(TensorError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .fileUnreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .fileUnreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size >= 8 else { throw .invalidSafetensors(path: path, reason: "file has \(size) bytes, fewer than the 8-byte header length") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .fileUnreadable(path: path, reason: "mmap: \(String(cString: strerror(errno)))")
        }
        base = p
        length = size
        let n = Int(clamping: p.loadUnaligned(as: UInt64.self).littleEndian)
        guard n <= size - 8 else {
            munmap(p, size)
            throw .invalidSafetensors(path: path, reason: "header length \(n) exceeds file size \(size)")
        }
        dataStart = 8 + n
        do {
            (entries, metadata) = try Self.parseHeader(Data(bytes: p + 8, count: n), dataBytes: size - dataStart, path: path)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit { munmap(base, length) }

    private static func parseHeader(_ data: Data, dataBytes: Int, path: String) throws(TensorError)
        -> ([String: Entry], [String: String]) {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw .invalidSafetensors(path: path, reason: "header is not JSON: \(error.localizedDescription)")
        }
        guard let header = json as? [String: Any] else { throw .invalidSafetensors(path: path, reason: "header is not a JSON object") }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" { metadata = (value as? [String: String]) ?? [:]; continue }
            guard let e = value as? [String: Any], let dt = e["dtype"] as? String,
                  let shape = (e["shape"] as? [NSNumber])?.map(\.intValue),
                  let offs = (e["data_offsets"] as? [NSNumber])?.map(\.intValue), offs.count == 2 else {
                throw .invalidSafetensors(path: path, reason: "entry \(name) lacks dtype, shape or data_offsets")
            }
            guard offs[0] >= 0, offs[1] >= offs[0], offs[1] <= dataBytes, shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidSafetensors(path: path, reason: "entry \(name): data_offsets \(offs) outside the \(dataBytes) data bytes")
            }
            entries[name] = Entry(dtype: dt, shape: shape, begin: offs[0], end: offs[1])
        }
        return (entries, metadata)
    }

    /// The F32 values of tensor `name`, in place. Throws `missingTensor`, `unsupportedDType` (not F32) or
    /// `invalidSafetensors` (byte range does not match the shape, or the data is not 4-byte aligned).
    public func floats(_ name: String) throws(TensorError) -> UnsafeBufferPointer<Float> {
        guard let e = entries[name] else { throw .missingTensor(name: name, path: path) }
        guard e.dtype == "F32" else { throw .unsupportedDType(name: name, dtype: e.dtype, path: path) }
        let count = e.shape.reduce(1, *)
        guard e.end - e.begin == count * 4 else {
            throw .invalidSafetensors(path: path, reason: "entry \(name): \(e.end - e.begin) bytes for shape \(e.shape) of F32")
        }
        let start = base + dataStart + e.begin
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else {
            throw .invalidSafetensors(path: path, reason: "entry \(name) is not 4-byte aligned in the file")
        }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count)
    }
}
