// Kernel maps: for each kernel offset, the (input row, output row) pairs a sparse convolution connects.
// Built once per pair of voxel sets and reused by the forward and the backward pass (the op's backward closure
// holds the map), as MinkowskiEngine and spconv do with their cached "kernel maps" / "indice pairs".

/// The three sparse convolutions of the UNet.
public enum SparseConvolutionKind: String, Sendable, CaseIterable {
    /// 3×3×3 kernel, outputs exactly at the input voxels (submanifold: the set never dilates).
    case submanifold
    /// 2×2×2 kernel, stride 2: fine voxel `f` feeds its parent ⌊f/2⌋ through offset `f − 2⌊f/2⌋`.
    case down
    /// The transpose of `down`: parent `c` feeds each of its children `f` through offset `f − 2c`.
    case up

    /// Kernel offsets K: 27 or 8.
    public var offsetCount: Int { self == .submanifold ? 27 : 8 }
}

/// One ordering of a kernel map's pairs: for each offset, input and output rows sorted by the rows one side owns
/// (the passes find a block of owned rows' pairs by binary search).
struct PairOrder: Sendable {
    /// `inputs[k][p]`, `outputs[k][p]`: pair p of offset k.
    let inputs: [[Int32]]
    let outputs: [[Int32]]
    /// The offset whose pairs are (r, r) for every row r of equal input and output sets (a submanifold map's
    /// centre), whose pair p is row p on both sides; nil when there is none.
    let identityOffset: Int?
    /// Bytes of gathered rows and GEMM result per round (`KernelMap.chunkBytes`).
    let chunkBytes: Int
    /// Rows of the owned side (the output set for `byOutput`, the input set otherwise).
    let rows: Int
    /// Every owned row is in exactly one pair over all offsets, none of them an identity offset (an `up` map's
    /// outputs, a `down` map's inputs): the passes may store instead of add, into rows nobody zeroed.
    let ownedOnce: Bool

    /// Orders `pairs` by the owned side (`byOutput`, else the input side) of `rows` rows, stably.
    init(inputs: [[Int32]], outputs: [[Int32]], byOutput: Bool, rows: Int, chunkBytes: Int) {
        var ins: [[Int32]] = [], outs: [[Int32]] = []
        for k in inputs.indices {
            var i = inputs[k], o = outputs[k]
            let owned = byOutput ? o : i
            if zip(owned, owned.dropFirst()).contains(where: { $0 > $1 }) {
                let perm = owned.indices.sorted { owned[$0] != owned[$1] ? owned[$0] < owned[$1] : $0 < $1 }
                i = perm.map { i[$0] }; o = perm.map { o[$0] }
            }
            ins.append(i); outs.append(o)
        }
        self.inputs = ins
        self.outputs = outs
        self.chunkBytes = chunkBytes
        self.rows = rows
        identityOffset = ins.indices.first { k in
            ins[k].count == rows && ins[k] == outs[k] && ins[k].enumerated().allSatisfy { Int($0.element) == $0.offset }
        }
        var seen = [Bool](repeating: false, count: rows), once = true
        for k in outs.indices where once {
            for r in byOutput ? outs[k] : ins[k] {
                if seen[Int(r)] { once = false; break }
                seen[Int(r)] = true
            }
        }
        ownedOnce = identityOffset == nil && once && !seen.contains(false)
    }
}

/// The pairs of one sparse convolution from an input voxel set to an output voxel set, in the two orders its
/// passes need: by output row (forward: each worker writes only its outputs) and by input row (the input gradient).
public final class KernelMap: Sendable {
    public let kind: SparseConvolutionKind
    /// Rows of the input and output sets.
    public let inputCount: Int
    public let outputCount: Int
    /// Workers the pairs were split for.
    let workers: Int
    let byOutput: PairOrder
    let byInput: PairOrder

    /// Number of (input, output) pairs of each offset.
    public var pairCounts: [Int] { byOutput.inputs.map(\.count) }

    /// The map of `kind` from `input` to `output`: for `.submanifold` both are the same set; for `.down` the output
    /// is `input.coarsened()` (or any set holding every parent); for `.up` the input is the coarse set and the output
    /// the fine one. `workers` defaults to `TensorThreads.sparseWorkers`. The passes gather, multiply and scatter
    /// the pairs of an offset in chunks of `chunkBytes` (gathered rows and GEMM result; the tests make it tiny to
    /// exercise the chunking).
    public init(_ kind: SparseConvolutionKind, from input: VoxelSet, to output: VoxelSet, workers: Int = TensorThreads.sparseWorkers,
                chunkBytes: Int = 256 * 1024) {
        self.kind = kind
        inputCount = input.count
        outputCount = output.count
        self.workers = max(1, workers)
        let k = kind.offsetCount
        var ins = [[Int32]](repeating: [], count: k), outs = [[Int32]](repeating: [], count: k)
        switch kind {
        case .submanifold:
            // Offset k = (dx, dy, dz) ∈ {−1, 0, 1}³ in x-major order; output o reads input at o + offset.
            var deltas: [Int64] = []
            for dx in -1...1 { for dy in -1...1 { for dz in -1...1 { deltas.append(VoxelKey.delta(dx, dy, dz)) } } }
            for (o, key) in output.keys.enumerated() {
                for (j, d) in deltas.enumerated() {
                    let i = input.hash.row(key + d)
                    if i >= 0 { ins[j].append(i); outs[j].append(Int32(o)) }
                }
            }
        case .down, .up:
            // The fine set is the input of `down` and the output of `up`; offset index = 4·px + 2·py + pz of the
            // child's position inside its parent.
            let fine = kind == .down ? input : output, coarse = kind == .down ? output : input
            for (f, key) in fine.keys.enumerated() {
                let (x, y, z) = VoxelKey.unpack(key)
                let c = coarse.hash.row(VoxelKey.pack(x >> 1, y >> 1, z >> 1))
                precondition(c >= 0, "KernelMap.\(kind): the coarse set lacks the parent of fine voxel \(f)")
                let j = Int((x & 1) << 2 | (y & 1) << 1 | (z & 1))
                if kind == .down { ins[j].append(Int32(f)); outs[j].append(c) } else { ins[j].append(c); outs[j].append(Int32(f)) }
            }
        }
        byOutput = PairOrder(inputs: ins, outputs: outs, byOutput: true, rows: output.count, chunkBytes: chunkBytes)
        byInput = PairOrder(inputs: ins, outputs: outs, byOutput: false, rows: input.count, chunkBytes: chunkBytes)
    }

    /// Floating-point operations of one forward pass with `inChannels → outChannels` (2·pairs·Cin·Cout).
    public func forwardFlops(inChannels: Int, outChannels: Int) -> Int {
        2 * pairCounts.reduce(0, +) * inChannels * outChannels
    }
}
