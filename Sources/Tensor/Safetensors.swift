import Foundation

/// Element types this library writes and reads in safetensors files.
public enum SafetensorsDType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"

    var byteSize: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .f64: return 8
        }
    }
}

/// Reading and writing the safetensors format (huggingface/safetensors):
/// `u64 little-endian header length N` ‖ `N bytes of JSON` ‖ `data`. The JSON maps each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (byte offsets into the data section) plus an optional
/// `"__metadata__"` string map. The header is padded with spaces so the data starts at a multiple of 8 bytes;
/// tensors are stored little-endian, row-major, back to back in name order.
public enum Safetensors {
    /// Writes `tensors` to `path` atomically (temporary file, then rename), converting to `dtype`.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to path: String, dtype: SafetensorsDType = .f32,
                             metadata: [String: String] = [:]) throws(TensorError) {
        let sorted = tensors.sorted { $0.name < $1.name }
        var entries: [String] = []
        if !metadata.isEmpty {
            let kv = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            entries.append("\"__metadata__\":{\(kv.joined(separator: ","))}")
        }
        var offset = 0
        for (name, t) in sorted {
            let bytes = t.count * dtype.byteSize
            entries.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, t) in sorted { appendData(of: t, as: dtype, to: &out) }
        do {
            try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .fileUnwritable(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads every tensor of a safetensors file (F32, F16, BF16 and F64 are converted to `dtype`) and its metadata.
    public static func read(_ path: String, dtype: DType = .float32) throws(TensorError)
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .fileUnreadable(path: path, reason: error.localizedDescription)
        }
        guard data.count >= 8 else { throw .invalidSafetensors(path: path, reason: "file has \(data.count) bytes, fewer than the 8-byte header length") }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(data.count - 8) else {
            throw .invalidSafetensors(path: path, reason: "header length \(n) exceeds file size \(data.count)")
        }
        let dataStart = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)) } catch {
            throw .invalidSafetensors(path: path, reason: "header is not JSON: \(error.localizedDescription)")
        }
        guard let header = json as? [String: Any] else { throw .invalidSafetensors(path: path, reason: "header is not a JSON object") }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = (entry as? [String: String]) ?? [:]
                continue
            }
            guard let e = entry as? [String: Any], let dt = e["dtype"] as? String,
                  let shape = (e["shape"] as? [NSNumber])?.map(\.intValue),
                  let offs = (e["data_offsets"] as? [NSNumber])?.map(\.intValue), offs.count == 2 else {
                throw .invalidSafetensors(path: path, reason: "entry \(name) lacks dtype, shape or data_offsets")
            }
            guard let sdt = SafetensorsDType(rawValue: dt) else { throw .unsupportedDType(name: name, dtype: dt, path: path) }
            let count = shape.reduce(1, *)
            guard offs[0] >= 0, offs[1] >= offs[0], offs[1] - offs[0] == count * sdt.byteSize,
                  dataStart + offs[1] <= data.count else {
                throw .invalidSafetensors(path: path, reason: "entry \(name): data_offsets \(offs) do not fit shape \(shape) of \(dt) in \(data.count - dataStart) data bytes")
            }
            tensors[name] = decode(data, from: dataStart + offs[0], shape: shape, as: sdt, dtype: dtype)
        }
        return (tensors, metadata)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func appendData(of t: Tensor, as dtype: SafetensorsDType, to out: inout Data) {
        let v = t.doubles()
        switch dtype {
        case .f32:
            var bits = v.map { Float($0).bitPattern.littleEndian }
            bits.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        case .f16:
            var bits = v.map { Float16(Float($0)).bitPattern.littleEndian }
            bits.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        case .bf16:
            // Round to nearest even on the 16 dropped mantissa bits (NaN stays NaN through the top bits).
            var bits = v.map { d -> UInt16 in
                let b = Float(d).bitPattern
                return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16).littleEndian
            }
            bits.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        case .f64:
            var bits = v.map { $0.bitPattern.littleEndian }
            bits.withUnsafeMutableBytes { out.append(contentsOf: $0) }
        }
    }

    static func decode(_ data: Data, from start: Int, shape: [Int], as sdt: SafetensorsDType, dtype: DType) -> Tensor {
        var t = Tensor(uninitialized: shape, dtype: dtype)
        let n = t.count
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for i in 0..<n {
                let at = start + i * sdt.byteSize
                switch sdt {
                case .f32: t[flat: i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
                case .f16: t[flat: i] = Double(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))))
                case .bf16:
                    let b = UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                    t[flat: i] = Double(Float(bitPattern: b << 16))
                case .f64: t[flat: i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                }
            }
        }
        return t
    }
}

extension Module {
    /// Writes every parameter under its dotted name (a PyTorch-style state dict) to a safetensors file.
    public func saveParameters(to path: String, dtype: SafetensorsDType = .f32, metadata: [String: String] = [:]) throws(TensorError) {
        try Safetensors.write(namedParameters.map { ($0.name, $0.parameter.value) }, to: path, dtype: dtype, metadata: metadata)
    }

    /// Loads every parameter from a safetensors file. Each must be present with this module's shape; extra
    /// tensors in the file are ignored. Nothing is changed if any check fails.
    public func loadParameters(from path: String) throws(TensorError) {
        let named = namedParameters
        let file = try Safetensors.read(path, dtype: named.first?.parameter.value.dtype ?? .float32).tensors
        var values: [Tensor] = []
        for (name, p) in named {
            guard let t = file[name] else { throw .missingTensor(name: name, path: path) }
            guard t.shape == p.value.shape else { throw .shapeMismatch(op: "loadParameters(\(name))", expected: p.value.shape, actual: t.shape) }
            values.append(t.converted(to: p.value.dtype))
        }
        for ((_, p), v) in zip(named, values) { p.value = v }
    }
}

extension Optimizer {
    /// Writes the optimiser state (`name.slot` tensors) and the step count (metadata `"step"`) to a safetensors file.
    public func saveState(to path: String) throws(TensorError) {
        try Safetensors.write(stateTensors, to: path, metadata: ["step": String(step)])
    }

    /// Restores state written by `saveState(to:)` for `parameters` (see `loadState(_:step:parameters:source:)`).
    public func loadState(from path: String, parameters: [(name: String, parameter: Parameter)]) throws(TensorError) {
        let file = try Safetensors.read(path, dtype: parameters.first?.parameter.value.dtype ?? .float32)
        guard let stepText = file.metadata["step"], let step = Int(stepText) else {
            throw .invalidSafetensors(path: path, reason: "metadata has no integer \"step\"")
        }
        try loadState(file.tensors, step: step, parameters: parameters, source: path)
    }
}
