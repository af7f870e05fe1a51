import Foundation
import SegDINO3D
import Tensor

extension Trainer {
    /// One optimisation step: this rank's slots' gradients, exchanged and averaged in slot order on every rank, then
    /// the same clip and AdamW update everywhere. Returns the logged values: the mean over the slots of each loss term,
    /// plus lr, the averaged gradient's norm and `reduce_ms` (exchange and averaging, the data-parallel overhead).
    func trainStep() throws -> [String: Double] {
        var values = try averageStepGradient()
        let c = options.config
        values["grad_norm"] = clipGradientNorm(model.parameters, maxNorm: c.clipNorm)
        values["lr"] = schedule.learningRate(at: step)
        optimizer.update(model.namedParameters, learningRate: values["lr"] ?? 0)
        model.zeroGrad()
        return values
    }

    /// Leaves the mean gradient of the current step's slots (all ranks' slots, summed in slot order) in the
    /// parameters' `grad`; returns the slots' mean logged values (with `cpu_ms`, a slot's CPU time) plus `reduce_ms`,
    /// `gemm_gflop` (the BLAS matrix products of this rank's slots, `MatmulFlops`) and `cpu_ms_max` (the slowest slot,
    /// which bounds a step when every slot has its own core).
    func averageStepGradient() throws -> [String: Double] {
        let k = options.config.scenesPerStep, ranks = reducer.size
        let mine = StepSlots.slots(rank: reducer.rank, ranks: ranks, count: k)
        var local: [Float] = [], localValues: [[String: Double]] = []
        local.reserveCapacity(mine.count * layout.width)
        let flopsBefore = MatmulFlops.total
        for slot in mine {
            if let f = options.failAt, f.rank == reducer.rank, f.step == step + 1 {
                throw TrainError.injectedFailure(rank: reducer.rank, step: step + 1)
            }
            var rng = StepSlots.generator(seed: seed, step: step, slot: slot)
            let cpuStart = processCPUSeconds()
            var values = try slotGradient(using: &rng)
            // CPU time of the slot alone (not of waiting for other ranks): what the slot costs on a free core.
            values["cpu_ms"] = (processCPUSeconds() - cpuStart) * 1000
            localValues.append(values)
            layout.append(model.parameters, to: &local)
            model.zeroGrad()
        }
        let gemmGFlop = Double(MatmulFlops.total - flopsBefore) / 1e9
        let reduceStart = Date()
        let all = try reducer.allGather(local)
        let allValues = try reducer.allGatherBytes(StepSlots.encode(localValues)).map { try StepSlots.decode($0) }
        // Slot s was computed by rank s % N as its (s / N)-th slot; sum in slot order whatever N is.
        let perRank = k / ranks
        let offsets = (0..<k).map { s in ((s % ranks) * perRank + s / ranks) * layout.width }
        try layout.assignMean(of: all, slotOffsets: offsets, to: model.parameters)
        let slotValues = (0..<k).map { s in allValues[s % ranks][s / ranks] }
        let reduceMs = Date().timeIntervalSince(reduceStart) * 1000
        let slowest = slotValues.compactMap { $0["cpu_ms"] }.max() ?? 0
        return StepSlots.mean(slotValues).merging(["reduce_ms": reduceMs, "gemm_gflop": gemmGFlop, "cpu_ms_max": slowest]) { a, _ in a }
    }

    /// Forward and backward of one random, augmented scene drawn from `rng`; gradients accumulate into the
    /// parameters. Returns the slot's logged values.
    func slotGradient(using rng: inout SeededGenerator) throws -> [String: Double] {
        let c = options.config
        let index = rng.nextIndex(below: scenes.count)
        var scene = scenes[index].transformed(SceneTransform.random(c.augment, using: &rng))
        if c.augment.enabled { scene = scene.elasticallyDistorted(c.augment.elastic, using: &rng) }
        if c.objective == .distill2D { return try distillGradient(scene) }
        let seeds = sampleQueries(count: scene.superpointCount, using: &rng)
        let batch = try StepBatch.make(scene: scene, seeds: seeds, useViews: viewScenes.contains(index), config: c,
                                       embeddings: options.embeddings, step: step, rng: &rng)
        let tape = Tape()
        let predictions = try model.forward(batch.input, tape: tape)
        let (loss, values) = LossAggregate.total(predictions, sets: batch.sets, seeds: seeds, weights: c.weights,
                                                 semanticTargets: batch.semanticTargets, tape: tape)
        tape.backward(loss)
        return values.merging(["queries": Double(seeds.count)]) { a, _ in a }
    }

    /// A random share U(minQueryFraction, 1) of the superpoints, ascending.
    func sampleQueries(count s: Int, using rng: inout SeededGenerator) -> [Int32] {
        let fraction = options.config.minQueryFraction >= 1 ? 1 : rng.nextUniform(in: options.config.minQueryFraction..<1)
        var all = (0..<s).map { Int32($0) }
        all.shuffle(using: &rng)
        return all.prefix(max(1, Int((fraction * Double(s)).rounded()))).sorted()
    }

    /// Throws `ranksDiverged` unless every rank's parameters have the same checksum.
    func checkRanksAgree() throws {
        let mine = GradientLayout.checksum(model.parameters)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: mine >> (8 * UInt64($0))) }
        let sums = try reducer.allGatherBytes(bytes).map { b in b.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
        if sums.contains(where: { $0 != mine }) { throw TrainError.ranksDiverged(step: step, checksums: sums) }
    }
}

/// CPU time of this process so far (user + system), seconds.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
