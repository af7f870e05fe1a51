import Testing
@testable import Tensor

/// `count` distinct random voxel coordinates in `[lo, lo + extent)³` (a small generated scene for the sparse ops).
func randomVoxels(count: Int, extent: Int32 = 5, lo: Int32 = -2, seed: UInt64) -> VoxelSet {
    var rng = SeededGenerator(seed: seed)
    var seen = Set<[Int32]>(), coords: [Int32] = []
    while seen.count < count {
        let c = (0..<3).map { _ in lo + Int32(rng.nextIndex(below: Int(extent))) }
        if seen.insert(c).inserted { coords += c }
    }
    do { return try VoxelSet(coordinates: coords) } catch { fatalError("randomVoxels: \(error)") }
}

/// The op or a test failure: grad-check closures cannot throw.
func sparseConv(_ x: Var, _ w: Var, _ map: KernelMap) -> Var {
    do { return try x.sparseConvolution(weight: w, map: map) } catch { fatalError("sparseConvolution: \(error)") }
}

let fineVoxels = randomVoxels(count: 14, extent: 4, seed: 3)
let coarseVoxels = fineVoxels.coarsened()

let sparseGradCases: [OpCase] = [
    OpCase(name: "sparse submanifold 3³", shapes: [[14, 3], [27, 3, 2]]) {
        sparseConv($0[0], $0[1], KernelMap(.submanifold, from: fineVoxels, to: fineVoxels, workers: 2))
    },
    OpCase(name: "sparse submanifold 3³ in chunks of 2 pairs", shapes: [[14, 3], [27, 3, 2]]) {
        sparseConv($0[0], $0[1], KernelMap(.submanifold, from: fineVoxels, to: fineVoxels, workers: 2, chunkBytes: 2 * 5 * 8))
    },
    OpCase(name: "sparse down 2³ stride 2", shapes: [[14, 2], [8, 2, 3]]) {
        sparseConv($0[0], $0[1], KernelMap(.down, from: fineVoxels, to: coarseVoxels, workers: 2))
    },
    OpCase(name: "sparse up 2³ transposed", shapes: [[coarseVoxels.count, 3], [8, 3, 2]]) {
        sparseConv($0[0], $0[1], KernelMap(.up, from: coarseVoxels, to: fineVoxels, workers: 1))
    },
    OpCase(name: "sparse block: conv, layerNorm, relu, residual", shapes: [[14, 4], [27, 4, 4], [4], [4]]) {
        let map = KernelMap(.submanifold, from: fineVoxels, to: fineVoxels, workers: 2)
        return $0[0] + sparseConv($0[0], $0[1], map).layerNorm(gamma: $0[2], beta: $0[3]).relu()
    },
]

/// The output and the input and weight gradients (against fixed upstream gradients) of one sparse convolution with
/// fixed inputs, as Doubles.
func convolveAndDifferentiate(_ kind: SparseConvolutionKind, from input: VoxelSet, to output: VoxelSet, channels: (Int, Int),
                              dtype: DType, workers: Int, chunkBytes: Int) throws -> [[Double]] {
    let xp = Parameter(fixed([input.count, channels.0], seed: 3, low: -1, high: 1).converted(to: dtype))
    let wp = Parameter(fixed([kind.offsetCount, channels.0, channels.1], seed: 4, low: -1, high: 1).converted(to: dtype))
    let tape = Tape()
    let map = KernelMap(kind, from: input, to: output, workers: workers, chunkBytes: chunkBytes)
    let y = try tape.parameter(xp).sparseConvolution(weight: tape.parameter(wp), map: map)
    tape.backward((y * tape.constant(fixed(y.shape, seed: 9, low: -1, high: 1).converted(to: dtype))).sum())
    return [y.value.doubles(), xp.grad?.doubles() ?? [], wp.grad?.doubles() ?? []]
}

extension TensorTestSuite {
    @Suite struct SparseConvolutionChecks {
        /// The op against a direct loop over voxel coordinates: y[o] = Σ_offsets x[neighbour]·W_offset.
        /// Whole offsets at once (the default chunk holds every pair of these small sets) and in chunks of 3 pairs.
        @Test(arguments: SparseConvolutionKind.allCases, [256 * 1024, 3 * 5 * 8])
        func matchesDirectDefinition(_ kind: SparseConvolutionKind, chunkBytes: Int) throws {
            let fine = randomVoxels(count: 60, extent: 6, seed: 11), coarse = fine.coarsened()
            let (input, output) = kind == .up ? (coarse, fine) : (fine, kind == .down ? coarse : fine)
            let cIn = 3, cOut = 2, k = kind.offsetCount
            let x = fixed([input.count, cIn], seed: 1, low: -1, high: 1), w = fixed([k, cIn, cOut], seed: 2, low: -1, high: 1)
            let tape = Tape(recording: false)
            let map = KernelMap(kind, from: input, to: output, chunkBytes: chunkBytes)
            #expect((map.byOutput.identityOffset == 13) == (kind == .submanifold))
            let y = try tape.constant(x).sparseConvolution(weight: tape.constant(w), map: map).value
            var expected = [Double](repeating: 0, count: output.count * cOut)
            let oc = output.coordinates, ic = input.coordinates
            for o in 0..<output.count {
                let c = (0..<3).map { oc[o * 3 + $0] }
                for j in 0..<k {
                    let i: Int?
                    switch kind {
                    case .submanifold:
                        let d = [Int32(j / 9) - 1, Int32(j / 3 % 3) - 1, Int32(j % 3) - 1]
                        i = input.row(c[0] + d[0], c[1] + d[1], c[2] + d[2])
                    case .down:
                        i = input.row(2 * c[0] + Int32(j >> 2), 2 * c[1] + Int32(j >> 1 & 1), 2 * c[2] + Int32(j & 1))
                    case .up:
                        let parent = (0..<3).map { c[$0] >> 1 }
                        let slot = Int((c[0] & 1) << 2 | (c[1] & 1) << 1 | (c[2] & 1))
                        i = slot == j ? input.row(parent[0], parent[1], parent[2]) : nil
                    }
                    guard let i else { continue }
                    #expect(ic[i * 3] >= -64)  // rows map back to real coordinates
                    for b in 0..<cOut { for a in 0..<cIn { expected[o * cOut + b] += x[flat: i * cIn + a] * w[flat: (j * cIn + a) * cOut + b] } }
                }
            }
            #expect(maxAbsDiff(y.doubles(), expected) < 1e-12)
        }

        /// One, two and three workers give bit-identical values and gradients in Double and Float (each row sums
        /// its offsets in the same order, and every GEMM covers the same rows whatever the workers), in whole
        /// offsets and in chunks of 4 pairs, for every kind of map; and the chunks change nothing beyond rounding.
        @Test(arguments: SparseConvolutionKind.allCases, [DType.float64, .float32])
        func workersDoNotChangeResults(_ kind: SparseConvolutionKind, dtype: DType) throws {
            let fine = randomVoxels(count: 80, extent: 7, seed: 5), coarse = fine.coarsened()
            let (input, output) = kind == .up ? (coarse, fine) : (fine, kind == .down ? coarse : fine)
            let runs = try [1, 2, 3].map { workers in
                try [256 * 1024, 4 * 9 * 8].map { chunkBytes in
                    try convolveAndDifferentiate(kind, from: input, to: output, channels: (4, 5), dtype: dtype,
                                                 workers: workers, chunkBytes: chunkBytes)
                }
            }
            for workers in 1..<3 {
                for (a, b) in zip(runs[0], runs[workers]) { #expect(a == b, "\(kind), \(workers + 1) workers") }
            }
            for (a, b) in zip(runs[0][0], runs[0][1]) { #expect(maxAbsDiff(a, b) < (dtype == .float64 ? 1e-12 : 1e-5)) }
        }

        /// The same on a room-sized set in Float, where OpenBLAS's single-precision kernels round a row differently
        /// depending on where a GEMM's rows start: worker-independent GEMM boundaries are what keeps 1 and 2 workers
        /// (and so MPI ranks, which run one worker each) bit-identical.
        @Test(arguments: SparseConvolutionKind.allCases)
        func workersDoNotChangeResultsOnALargeSet(_ kind: SparseConvolutionKind) throws {
            let fine = randomVoxels(count: 6000, extent: 24, lo: -12, seed: 6), coarse = fine.coarsened()
            let (input, output) = kind == .up ? (coarse, fine) : (fine, kind == .down ? coarse : fine)
            let one = try convolveAndDifferentiate(kind, from: input, to: output, channels: (24, 40), dtype: .float32,
                                                   workers: 1, chunkBytes: 256 * 1024)
            let two = try convolveAndDifferentiate(kind, from: input, to: output, channels: (24, 40), dtype: .float32,
                                                   workers: 2, chunkBytes: 256 * 1024)
            for (part, (a, b)) in zip(["values", "input gradient", "weight gradient"], zip(one, two)) {
                let same = a == b  // not inside #expect: a failure would print both arrays
                #expect(same, "\(kind): the \(part) differs between 1 and 2 workers")
            }
        }

        /// Down and up maps are transposes: each fine voxel has exactly one parent pair.
        @Test func downAndUpMapsPairEveryFineVoxelOnce() throws {
            let fine = randomVoxels(count: 50, extent: 8, seed: 7), coarse = fine.coarsened()
            let down = KernelMap(.down, from: fine, to: coarse), up = KernelMap(.up, from: coarse, to: fine)
            #expect(down.pairCounts.reduce(0, +) == fine.count)
            #expect(down.pairCounts == up.pairCounts)
            #expect(coarse.count < fine.count)
            let sub = KernelMap(.submanifold, from: fine, to: fine)
            #expect(sub.pairCounts[13] == fine.count)  // the centre offset pairs every voxel with itself
            // The passes that own the fine side store each row once instead of adding into zeros; no other does.
            #expect(up.byOutput.ownedOnce && down.byInput.ownedOnce)
            #expect(!up.byInput.ownedOnce && !down.byOutput.ownedOnce && !sub.byOutput.ownedOnce && !sub.byInput.ownedOnce)
            // Voxels without neighbours pair only with themselves, through the centre offset, which adds in place.
            let lone = try VoxelSet(coordinates: [0, 0, 0, 5, 5, 5])
            let loneMap = KernelMap(.submanifold, from: lone, to: lone)
            #expect(!loneMap.byOutput.ownedOnce && loneMap.byOutput.identityOffset == 13)
            let x = fixed([2, 2], seed: 1), w = fixed([27, 2, 3], seed: 2)
            let tape = Tape(recording: false)
            let y = try tape.constant(x).sparseConvolution(weight: tape.constant(w), map: loneMap)
            let expected = (0..<2).flatMap { r in (0..<3).map { c in (0..<2).reduce(0.0) { $0 + x[flat: r * 2 + $1] * w[flat: (13 * 2 + $1) * 3 + c] } } }
            #expect(maxAbsDiff(y.value.doubles(), expected) < 1e-12)
        }

        /// Points voxelise to the mean-able groups; rows are in coordinate order whatever the point order.
        @Test func voxelizationIsOrderIndependent() throws {
            let pts: [Float] = [0.01, 0.01, 0.01, 0.5, 0.5, 0.5, 0.02, 0.03, 0.01, -0.05, 0, 0]
            let a = try Voxelization(points: pts, voxelSize: 0.1, maxVoxels: 10)
            let swapped = Array(pts[6..<12] + pts[0..<6])
            let b = try Voxelization(points: swapped, voxelSize: 0.1, maxVoxels: 10)
            #expect(a.voxels.count == 3)
            #expect(a.pointToVoxel[0] == a.pointToVoxel[2])
            #expect(a.voxels.coordinates == b.voxels.coordinates)
            #expect(a.voxels.coordinates == [-1, 0, 0, 0, 0, 0, 5, 5, 5])
        }

        /// Bad input is a typed error naming the field and the value.
        @Test func badInputErrors() throws {
            #expect(throws: TensorError.emptyVoxelSet(field: "model.unet.voxelSize")) {
                try Voxelization(points: [], voxelSize: 0.04, maxVoxels: 10, field: "model.unet.voxelSize")
            }
            #expect(throws: TensorError.tooManyVoxels(field: "voxelSize", voxels: 3, cap: 2)) {
                try Voxelization(points: [0, 0, 0, 1, 1, 1, 2, 2, 2], voxelSize: 0.5, maxVoxels: 2)
            }
            #expect(throws: TensorError.voxelCoordinateOutOfRange(field: "coordinates", index: 1, value: 1 << 21)) {
                try VoxelSet(coordinates: [0, 0, 0, 1 << 21, 0, 0])
            }
            let set = randomVoxels(count: 5, seed: 1)
            let tape = Tape(recording: false)
            #expect(throws: TensorError.channelMismatch(op: "sparseConvolution(submanifold)", expected: 4, actual: 3)) {
                try tape.constant(Tensor.zeros([5, 3])).sparseConvolution(weight: tape.constant(Tensor.zeros([27, 4, 2])),
                                                                           map: KernelMap(.submanifold, from: set, to: set))
            }
        }
    }
}
