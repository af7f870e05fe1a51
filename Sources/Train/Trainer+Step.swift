import Foundation
import SegDINO3D
import Tensor

extension Trainer {
    /// One optimisation step: this rank's slots' gradients, exchanged and averaged in slot order on every rank, then
    /// the same clip and AdamW update everywhere. Returns the logged values: the mean over the slots of each loss term,
    /// plus lr, the averaged gradient's norm, `reduce_ms` (exchange and averaging, the data-parallel overhead) and
    /// `update_ms` (clip and AdamW, which every rank repeats).
    func trainStep() throws -> [String: Double] {
        var values = try averageStepGradient()
        let c = options.config
        let updateStart = Date()
        values["grad_norm"] = clipGradientNorm(model.parameters, maxNorm: c.clipNorm)
        values["lr"] = schedule.learningRate(at: step)
        optimizer.update(model.namedParameters, learningRate: values["lr"] ?? 0)
        model.zeroGrad()
        values["update_ms"] = Date().timeIntervalSince(updateStart) * 1000
        return values
    }

    /// Leaves the mean gradient of the current step's slots (all ranks' slots, summed in slot order) in the
    /// parameters' `grad`; returns the slots' mean logged values (with `cpu_ms`, a slot's CPU time) plus `reduce_ms`,
    /// `gemm_gflop` (the BLAS matrix products of this rank's slots, `MatmulFlops`) and `cpu_ms_max` (the slowest slot,
    /// which bounds a step when every slot has its own core). With several ranks the slots are shared out by
    /// `options.balance`; whoever computes a slot, its sample and its place in the sum are the same.
    func averageStepGradient() throws -> [String: Double] {
        let k = options.config.scenesPerStep, ranks = reducer.size
        let owners: [[Int]]
        if ranks > 1 && options.balance == .cost {
            // A slot's cost is predicted from its scene (the first draw of its generator) with the expected share of
            // queries: most of a slot's cost varies with the room, and nothing else needs drawing before the split.
            let c = options.config
            let share = c.objective == .distill2D ? 0 : (c.minQueryFraction >= 1 ? 1 : (c.minQueryFraction + 1) / 2)
            let costs = (0..<k).map { slot -> Double in
                let scene = scenes[Self.sceneIndex(seed: seed, step: step, slot: slot, scenes: scenes.count).index]
                return slotCosts.predict(points: scene.pointCount, superpoints: scene.superpointCount,
                                         queries: Int((share * Double(scene.superpointCount)).rounded()))
            }
            owners = StepSlots.balanced(costs: costs, ranks: ranks)
        } else {
            owners = (0..<ranks).map { StepSlots.slots(rank: $0, ranks: ranks, count: k) }
        }
        let mine = owners[reducer.rank]
        var local: [Float] = [], localValues: [[String: Double]] = []
        local.reserveCapacity(mine.count * layout.width)
        let flopsBefore = MatmulFlops.total
        for slot in mine {
            if let f = options.failAt, f.rank == reducer.rank, f.step == step + 1 {
                throw TrainError.injectedFailure(rank: reducer.rank, step: step + 1)
            }
            let cpuStart = processCPUSeconds()
            var values = try slotGradient(drawSlot(slot))
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
        for (r, slots) in owners.enumerated() {
            guard r < all.count, r < allValues.count, all[r].count == slots.count * layout.width,
                  allValues[r].count == slots.count else {
                throw TrainError.badExchange(reason: "rank \(r) sent \(r < all.count ? all[r].count : 0) floats and "
                    + "\(r < allValues.count ? allValues[r].count : 0) slot records for its \(slots.count) slot(s)")
            }
        }
        let offsets = StepSlots.offsets(owners: owners, width: layout.width)
        let records = allValues.flatMap { $0 }
        let slotValues = (0..<k).map { records[offsets[$0] / layout.width] }
        try layout.assignMean(of: all.flatMap { $0 }, slotOffsets: offsets, to: model.parameters)
        let reduceMs = Date().timeIntervalSince(reduceStart) * 1000
        if ranks > 1 && options.balance == .cost {
            for v in slotValues {
                if let p = v["points"], let s = v["superpoints"], let ms = v["cpu_ms"] {
                    slotCosts.record(points: Int(p), superpoints: Int(s), queries: Int(v["queries"] ?? 0), milliseconds: ms)
                }
            }
        }
        let slowest = slotValues.compactMap { $0["cpu_ms"] }.max() ?? 0
        // Slots computed elsewhere than round-robin would have put them (0 with one rank or `.roundRobin`).
        let moved = owners.enumerated().reduce(0) { n, o in n + o.element.filter { $0 % ranks != o.offset }.count }
        return StepSlots.mean(slotValues).merging(["reduce_ms": reduceMs, "gemm_gflop": gemmGFlop, "cpu_ms_max": slowest,
                                                   "slots_moved": Double(moved)]) { a, _ in a }
    }

    /// A slot's sample up to its queries: which scene, augmented, and the query superpoints; `rng` continues from
    /// there (vocabulary, views, 2D-object dropout).
    struct SlotDraw {
        var scene: TrainScene
        var useViews: Bool
        var seeds: [Int32]
        var rng: SeededGenerator
    }

    /// The scene of a slot (its generator's first draw) and the generator after that draw.
    static func sceneIndex(seed: UInt64, step: Int, slot: Int, scenes: Int) -> (index: Int, rng: SeededGenerator) {
        var rng = StepSlots.generator(seed: seed, step: step, slot: slot)
        let index = rng.nextIndex(below: scenes)
        return (index, rng)
    }

    /// Draws slot `slot` of the current step from its own generator (`StepSlots.generator`).
    func drawSlot(_ slot: Int) -> SlotDraw {
        let c = options.config
        var (index, rng) = Self.sceneIndex(seed: seed, step: step, slot: slot, scenes: scenes.count)
        var scene = scenes[index].transformed(SceneTransform.random(c.augment, using: &rng))
        if c.augment.enabled { scene = scene.elasticallyDistorted(c.augment.elastic, using: &rng) }
        let seeds = c.objective == .distill2D ? [] : sampleQueries(count: scene.superpointCount, using: &rng)
        return SlotDraw(scene: scene, useViews: viewScenes.contains(index), seeds: seeds, rng: rng)
    }

    /// Forward and backward of one drawn slot; gradients accumulate into the parameters. Returns the slot's logged
    /// values, with the sizes that predict its cost (`SlotCostModel`).
    func slotGradient(_ draw: SlotDraw) throws -> [String: Double] {
        let c = options.config
        let sizes = ["points": Double(draw.scene.pointCount), "superpoints": Double(draw.scene.superpointCount)]
        if c.objective == .distill2D { return try distillGradient(draw.scene).merging(sizes) { a, _ in a } }
        var rng = draw.rng
        let batch = try StepBatch.make(scene: draw.scene, seeds: draw.seeds, useViews: draw.useViews, config: c,
                                       embeddings: options.embeddings, step: step, rng: &rng)
        let tape = Tape()
        let predictions = try model.forward(batch.input, tape: tape)
        let (loss, values) = LossAggregate.total(predictions, sets: batch.sets, seeds: draw.seeds, weights: c.weights,
                                                 semanticTargets: batch.semanticTargets,
                                                 qualityTargets: c.qualityTargets ?? .matched, tape: tape)
        tape.backward(loss)
        return values.merging(["queries": Double(draw.seeds.count)]) { a, _ in a }.merging(sizes) { a, _ in a }
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
