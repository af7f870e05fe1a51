import Foundation
import Testing
@testable import Tensor

/// Forward values in float32 against NumPy (float64) for a sample of ops. Swift sends inputs and its outputs as
/// JSON; a Python script recomputes every op with NumPy and prints the largest relative error per op.
private let numpyScript = #"""
import json, math, sys
import numpy as np
d = json.load(sys.stdin)
A = lambda k: np.array(d[k]["v"], dtype=np.float64).reshape(d[k]["s"])
def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True)); return e / e.sum(-1, keepdims=True)
def sig(x): return 1 / (1 + np.exp(-x))
erf = np.vectorize(math.erf)
x, w, b3 = A("x"), A("w"), A("b3")
ref = {}
ref["matmul"] = x @ w
ref["matmulBt"] = x @ A("wt").T
ref["bmm"] = A("b3") @ A("c3")
ref["softmax"] = softmax(x)
ref["logSoftmax"] = np.log(softmax(x))
g, bt = A("gamma"), A("beta")
mu = x.mean(-1, keepdims=True); var = ((x - mu) ** 2).mean(-1, keepdims=True)
ref["layerNorm"] = (x - mu) / np.sqrt(var + 1e-5) * g + bt
ref["gelu"] = x * 0.5 * (1 + erf(x / math.sqrt(2)))
ref["sigmoid"] = sig(x)
ref["sumAxis0"] = x.sum(0)
ref["maxAxis1"] = x.max(1)
t = A("t")
ref["bce"] = np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))))
p = sig(x); ref["dice"] = np.mean(1 - (2 * (p * t).sum(-1) + 1) / (p.sum(-1) + t.sum(-1) + 1))
labels = np.array(d["labels"]); cw = np.array(d["classWeights"])
lp = np.log(softmax(x)); keep = labels != -100
wl = cw[labels[keep]]
ref["crossEntropy"] = -(wl * lp[keep, labels[keep]]).sum() / wl.sum()
q, k, v, m = A("q"), A("k"), A("v"), A("mask").astype(bool)
m[m.all(-1)] = False
H = 2; dk = q.shape[1] // H; dv = v.shape[1] // H; outs = []
for h in range(H):
    s = q[:, h*dk:(h+1)*dk] @ k[:, h*dk:(h+1)*dk].T / math.sqrt(dk)
    s[m] = -np.inf
    outs.append(softmax(s) @ v[:, h*dv:(h+1)*dv])
ref["attention"] = np.concatenate(outs, 1)
seg = np.array(d["segments"]); S = d["segmentCount"]; f = A("feats")
mean = np.zeros((S, f.shape[1])); mx = np.zeros((S, f.shape[1]))
for s_ in range(S):
    rows = f[seg == s_]
    if len(rows): mean[s_] = rows.mean(0); mx[s_] = rows.max(0)
ref["scatterMean"] = mean; ref["scatterMax"] = mx
c = A("coords"); pe = []
for axis, nf in enumerate(d["axisChannels"]):
    dim_t = 20.0 ** (2 * (np.arange(nf) // 2) / nf)
    pos = c[:, axis:axis+1] * 2 * math.pi / dim_t
    out = np.where(np.arange(nf) % 2 == 0, np.sin(pos), np.cos(pos)); pe.append(out)
ref["pe"] = np.concatenate(pe, 1)
err = {}
for key, r in ref.items():
    got = np.array(d["out"][key]["v"], dtype=np.float64).reshape(np.shape(r))
    err[key] = float(np.max(np.abs(got - r) / np.maximum(1.0, np.abs(r))))
print(json.dumps(err))
"""#

extension TensorTestSuite {
    @Suite struct NumpyReference {
        @Test func forwardValuesMatchNumpy() throws {
            var rng = SeededGenerator(seed: 21)
            func n(_ s: [Int]) -> Tensor { Tensor.normal(s, using: &rng) }
            let inputs: [String: Tensor] = [
                "x": n([5, 7]), "w": n([7, 4]), "wt": n([4, 7]), "b3": n([3, 2, 5]), "c3": n([3, 5, 4]),
                "gamma": n([7]), "beta": n([7]), "q": n([4, 6]), "k": n([6, 6]), "v": n([6, 8]),
                "feats": n([9, 3]), "coords": Tensor.uniform([5, 3], using: &rng),
            ]
            var t = Tensor.zeros([5, 7]), mask = Tensor.zeros([4, 6])
            for i in 0..<t.count { t[flat: i] = rng.nextUnitDouble() < 0.4 ? 1 : 0 }
            for i in 0..<mask.count { mask[flat: i] = rng.nextUnitDouble() < 0.5 ? 1 : 0 }
            for j in 0..<6 { mask[flat: 6 + j] = 1 }
            let labels: [Int32] = [1, -100, 6, 0, 3], classWeights = [1, 2, 0.5, 1, 1, 0.1, 3]
            let segments: [Int32] = [0, 1, 1, 3, 0, 3, 3, 1, 0], segmentCount = 5
            let pe = SinePositionalEncoding3D(channels: 20, temperature: 20)

            let tape = Tape(recording: false)
            let c = inputs.mapValues { tape.constant($0) }
            func v(_ k: String) -> Var { c[k] ?? tape.constant(Tensor.zeros([1])) }
            let outputs: [String: Tensor] = [
                "matmul": v("x").matmul(v("w")).value,
                "matmulBt": v("x").matmul(v("wt"), transposeB: true).value,
                "bmm": v("b3").matmul(v("c3")).value,
                "softmax": v("x").softmax().value,
                "logSoftmax": v("x").logSoftmax().value,
                "layerNorm": v("x").layerNorm(gamma: v("gamma"), beta: v("beta")).value,
                "gelu": v("x").gelu().value,
                "sigmoid": v("x").sigmoid().value,
                "sumAxis0": v("x").sum(axes: [0]).value,
                "maxAxis1": v("x").max(axis: 1).value,
                "bce": v("x").binaryCrossEntropyWithLogits(targets: t).value,
                "dice": v("x").diceLoss(targets: t).value,
                "crossEntropy": v("x").crossEntropy(labels: labels, classWeights: classWeights).value,
                "attention": Var.attention(query: v("q"), key: v("k"), value: v("v"), heads: 2, mask: .boolean(mask)).value,
                "scatterMean": v("feats").scatterMean(segments: segments, segmentCount: segmentCount).value,
                "scatterMax": v("feats").scatterMax(segments: segments, segmentCount: segmentCount).value,
                "pe": pe(inputs["coords"] ?? Tensor.zeros([5, 3])),
            ]
            func encode(_ t: Tensor) -> [String: Any] { ["s": t.shape, "v": t.doubles()] }
            var payload: [String: Any] = inputs.mapValues(encode)
            payload["t"] = encode(t)
            payload["mask"] = encode(mask)
            payload["labels"] = labels.map(Int.init)
            payload["classWeights"] = classWeights
            payload["segments"] = segments.map(Int.init)
            payload["segmentCount"] = segmentCount
            payload["axisChannels"] = pe.axisChannels
            payload["out"] = outputs.mapValues(encode)
            let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
            let reply = try runPython(numpyScript, input: json)
            let errors = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Double])
            #expect(Set(errors.keys) == Set(outputs.keys))
            for (op, err) in errors.sorted(by: { $0.key < $1.key }) {
                #expect(err < 2e-5, "\(op): max relative error \(err) against NumPy")
            }
        }
    }
}
