import Foundation
import Testing
@testable import Tensor

/// `torch.optim.AdamW` and `torch.optim.SGD` update rules written out in NumPy (from their documented algorithms).
private let optimizerScript = #"""
import json, sys
import numpy as np
d = json.load(sys.stdin)
p0 = np.array(d["p0"]); grads = [np.array(g) for g in d["grads"]]; lrs = d["lrs"]
b1, b2, eps, wd = 0.9, 0.999, 1e-8, 0.05
p = p0.copy(); m = np.zeros_like(p); v = np.zeros_like(p)
for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
    p = p * (1 - lr * wd)
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    mhat = m / (1 - b1 ** t); vhat = v / (1 - b2 ** t)
    p = p - lr * mhat / (np.sqrt(vhat) + eps)
adamw = p
p = p0.copy(); buf = None; mu, swd = 0.9, 0.01
for g, lr in zip(grads, lrs):
    g = g + swd * p
    buf = g.copy() if buf is None else mu * buf + g
    p = p - lr * buf
print(json.dumps({"adamw": adamw.tolist(), "sgd": p.tolist()}))
"""#

extension TensorTestSuite {
    @Suite struct Optimizers {
        @Test func updatesMatchPyTorchAlgorithms() throws {
            var rng = SeededGenerator(seed: 17)
            let p0 = Tensor.normal([7], dtype: .float64, using: &rng)
            let grads = (0..<4).map { _ in Tensor.normal([7], dtype: .float64, using: &rng) }
            let lrs = [1e-2, 5e-3, 2e-3, 1e-3]
            let adamParam = Parameter(p0), sgdParam = Parameter(p0)
            let adam = Optimizer(AdamW(weightDecay: 0.05)), sgd = Optimizer(SGD(momentum: 0.9, weightDecay: 0.01))
            for (g, lr) in zip(grads, lrs) {
                adamParam.grad = g
                sgdParam.grad = g
                adam.update([("p", adamParam)], learningRate: lr)
                sgd.update([("p", sgdParam)], learningRate: lr)
            }
            let payload: [String: Any] = ["p0": p0.doubles(), "grads": grads.map { $0.doubles() }, "lrs": lrs]
            let reply = try runPython(optimizerScript,
                                      input: String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self))
            let ref = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: [Double]])
            #expect(maxAbsDiff(adamParam.value.doubles(), ref["adamw"] ?? []) < 1e-12)
            #expect(maxAbsDiff(sgdParam.value.doubles(), ref["sgd"] ?? []) < 1e-12)
            #expect(adamParam.value.doubles() != p0.doubles())
        }

        @Test func parametersWithoutGradientsAreSkipped() {
            let p = Parameter(Tensor(repeating: 1, shape: [3]))
            let opt = Optimizer(AdamW())
            opt.update([("p", p)], learningRate: 0.1)
            #expect(p.value.floats() == [1, 1, 1])
            #expect(opt.stateTensors.isEmpty)
        }
    }
}
