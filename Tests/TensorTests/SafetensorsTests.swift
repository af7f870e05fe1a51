import _TestSupport
import Foundation
import Testing
@testable import Tensor

/// Parses a safetensors file with NumPy only (the `safetensors` package is not installed here): checks the
/// 8-byte header length, 8-byte data alignment and offsets, and prints `{name: {"shape", "values"}}`.
private let numpyReader = #"""
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert (8 + n) % 8 == 0, "data section not 8-byte aligned"
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
out = {"__metadata__": header.pop("__metadata__", {})}
end = 0
for name, e in header.items():
    b, f = e["data_offsets"]
    if e["dtype"] == "BF16":  # NumPy has no bfloat16: widen the 16 stored bits to the top of a float32
        arr = (np.frombuffer(data[b:f], dtype="<u2").astype(np.uint32) << 16).view(np.float32).reshape(e["shape"])
    else:
        dt = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}[e["dtype"]]
        arr = np.frombuffer(data[b:f], dtype=dt).reshape(e["shape"])
    out[name] = {"shape": list(arr.shape), "values": arr.astype(np.float64).ravel().tolist()}
    end = max(end, f)
assert end == len(data), "trailing or missing data bytes"
# When the reference `safetensors` package is installed, it must read the file to the same arrays
# (it has no NumPy type for BF16, so those files are checked by the manual parse only).
try:
    from safetensors.numpy import load_file
except ImportError:
    load_file = None
if load_file is not None and all(e["dtype"] != "BF16" for e in header.values()):
    for name, arr in load_file(sys.argv[1]).items():
        assert arr.astype(np.float64).ravel().tolist() == out[name]["values"], name
    out["__library__"] = True
print(json.dumps(out))
"""#

/// Writes a file from Python: with the `safetensors` package when installed, else by hand in reverse name order
/// with a space-padded header (both layouts a reader must accept).
private let pythonWriter = #"""
import json, struct, sys
import numpy as np
tensors = {
    "b.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 7,
    "a.bias": np.array([1.5, -2.25], dtype=np.float16),
    "c.scale": np.array([[3.125]], dtype=np.float64),
}
try:
    from safetensors.numpy import save_file
    save_file(tensors, sys.argv[1], metadata={"writer": "safetensors"})
except ImportError:
    names = sorted(tensors, reverse=True)
    header, off, blobs = {"__metadata__": {"writer": "manual"}}, 0, []
    for n in names:
        b = tensors[n].astype(tensors[n].dtype.newbyteorder("<")).tobytes()
        header[n] = {"dtype": {"float32": "F32", "float16": "F16", "float64": "F64"}[str(tensors[n].dtype)],
                     "shape": list(tensors[n].shape), "data_offsets": [off, off + len(b)]}
        off += len(b); blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
"""#

extension TensorTestSuite {
    @Suite struct SafetensorsIO {
        @Test func readsFilesWrittenByPython() throws {
            let path = temporaryPath("py.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try runProcess("python3", ["-c", pythonWriter, path])
            try #require(writer.status == 0, "python3 failed: \(writer.stderr)")
            let file = try Safetensors.read(path, dtype: .float64)
            #expect(file.tensors["b.weight"]?.shape == [2, 3])
            #expect(maxAbsDiff(file.tensors["b.weight"]?.doubles() ?? [], (0..<6).map { Double(Float(Double($0) / 7)) }) == 0)
            #expect(file.tensors["a.bias"]?.doubles() == [1.5, -2.25])
            #expect(file.tensors["c.scale"]?.doubles() == [3.125])
            #expect(file.metadata["writer"] != nil)
        }

        func model(seed: UInt64) -> ToyClassifier {
            var rng = SeededGenerator(seed: seed)
            return ToyClassifier(input: 5, hidden: 6, classes: 3, using: &rng)
        }

        @Test func roundTripF32IsExact() throws {
            let m = model(seed: 1), path = temporaryPath("m.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try m.saveParameters(to: path, metadata: ["format": "pt"])
            let fresh = model(seed: 2)
            #expect(fresh.fc1.weight.value.floats() != m.fc1.weight.value.floats())
            try fresh.loadParameters(from: path)
            for ((n1, p1), (n2, p2)) in zip(m.namedParameters, fresh.namedParameters) {
                #expect(n1 == n2)
                #expect(p1.value.floats() == p2.value.floats(), "\(n1)")
            }
            #expect(try Safetensors.read(path).metadata == ["format": "pt"])
        }

        @Test(arguments: [SafetensorsDType.f32, .f16, .bf16, .f64])
        func numpyReadsWhatWeWrite(_ dtype: SafetensorsDType) throws {
            let m = model(seed: 3), path = temporaryPath("np.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try m.saveParameters(to: path, dtype: dtype, metadata: ["step": "7"])
            let reader = try runProcess("python3", ["-c", numpyReader, path])
            try #require(reader.status == 0, "python3 failed: \(reader.stderr)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(reader.stdout.utf8)) as? [String: Any])
            #expect(parsed["__metadata__"] as? [String: String] == ["step": "7"])
            if parsed["__library__"] != nil { print("safetensors package read \(dtype.rawValue) file") }
            let tolerance = dtype == .f16 ? 1e-3 : dtype == .bf16 ? 4e-3 : 1e-12  // JSON text round trip costs an ulp
            let readBack = try Safetensors.read(path).tensors
            for (name, p) in m.namedParameters {
                #expect(maxAbsDiff(readBack[name]?.doubles() ?? [], p.value.doubles()) <= Swift.max(tolerance, 1e-7), "\(name) read back")
                let entry = try #require(parsed[name] as? [String: Any], "\(name) missing")
                #expect(entry["shape"] as? [Int] == p.value.shape)
                let values = try #require(entry["values"] as? [Double])
                let err = zip(values, p.value.doubles()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? .infinity
                #expect(err <= tolerance, "\(name): relative error \(err)")
            }
        }

        @Test func loadRejectsMissingAndMisshapenTensors() throws {
            let path = temporaryPath("bad.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let m = model(seed: 4)
            try Safetensors.write([("fc1.weight", Tensor.zeros([6, 5]))], to: path)
            #expect(throws: TensorError.missingTensor(name: "fc1.bias", path: path)) { try m.loadParameters(from: path) }
            let named = m.namedParameters.map { ($0.name, $0.name == "fc2.bias" ? Tensor.zeros([4]) : $0.parameter.value) }
            try Safetensors.write(named, to: path)
            #expect(throws: TensorError.shapeMismatch(op: "loadParameters(fc2.bias)", expected: [3], actual: [4])) {
                try m.loadParameters(from: path)
            }
        }

        @Test func optimizerStateNeedsItsStep() throws {
            let path = temporaryPath("nostep.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Safetensors.write([("w.exp_avg", Tensor.zeros([2]))], to: path)
            #expect(throws: TensorError.invalidSafetensors(path: path, reason: "metadata has no integer \"step\"")) {
                try Optimizer(AdamW()).loadState(from: path, parameters: [("w", Parameter(Tensor.zeros([2])))])
            }
        }

        @Test func truncatedFileIsATypedError() throws {
            let path = temporaryPath("trunc.safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Safetensors.write([("a", Tensor.zeros([10]))], to: path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try data.prefix(data.count - 4).write(to: URL(fileURLWithPath: path))
            #expect {
                try Safetensors.read(path)
            } throws: { error in
                guard case TensorError.invalidSafetensors(let p, _) = error else { return false }
                return p == path
            }
            #expect(throws: TensorError.self) { try Safetensors.read(path + ".absent") }
        }

        /// Saving and restoring model + optimiser state mid-training continues exactly as if uninterrupted.
        @Test func optimizerStateResumesExactly() throws {
            let (x, labels) = teacherData(n: 16, d: 5, classes: 3, seed: 9)
            func train(_ m: ToyClassifier, _ opt: Optimizer<AdamW>, steps: Int) {
                let tape = Tape()
                for _ in 0..<steps {
                    tape.backward(m(tape.constant(x)).crossEntropy(labels: labels))
                    opt.update(m.namedParameters, learningRate: 0.01)
                    m.zeroGrad()
                    tape.reset()
                }
            }
            let a = model(seed: 5), optA = Optimizer(AdamW(weightDecay: 0.05))
            train(a, optA, steps: 3)
            let mPath = temporaryPath("model.safetensors"), oPath = temporaryPath("optim.safetensors")
            defer { for p in [mPath, oPath] { try? FileManager.default.removeItem(atPath: p) } }
            try a.saveParameters(to: mPath)
            try optA.saveState(to: oPath)
            let b = model(seed: 6), optB = Optimizer(AdamW(weightDecay: 0.05))
            try b.loadParameters(from: mPath)
            try optB.loadState(from: oPath, parameters: b.namedParameters)
            #expect(optB.step == 3)
            #expect(optB.stateTensors.count == 2 * a.namedParameters.count)
            train(a, optA, steps: 2)
            train(b, optB, steps: 2)
            for (pa, pb) in zip(a.parameters, b.parameters) { #expect(pa.value.floats() == pb.value.floats()) }
        }
    }
}
