import Tensor

/// The voxel sets of every UNet level and the kernel maps between them, built once per scene and shared by the
/// forward and the backward pass (the ops' backward rules hold the maps).
public struct SparseUNetMaps: Sendable {
    /// `sets[l]`: level l, `sets[0]` the input voxels, each next level the stride-2 parents of the one before.
    public let sets: [VoxelSet]
    /// 3×3×3 submanifold maps per level.
    public let submanifold: [KernelMap]
    /// `down[l]`: level l → l + 1; `up[l]`: level l + 1 → l.
    public let down: [KernelMap]
    public let up: [KernelMap]

    /// Maps for `levels` levels over `voxels`.
    public init(voxels: VoxelSet, levels: Int) {
        var sets = [voxels]
        for _ in 1..<max(1, levels) { sets.append(sets[sets.count - 1].coarsened()) }
        self.sets = sets
        submanifold = sets.map { KernelMap(.submanifold, from: $0, to: $0) }
        down = (0..<(sets.count - 1)).map { KernelMap(.down, from: sets[$0], to: sets[$0 + 1]) }
        up = (0..<(sets.count - 1)).map { KernelMap(.up, from: sets[$0 + 1], to: sets[$0]) }
    }
}

/// A residual block on one voxel set (MinkowskiEngine's BasicBlock shape): conv → norm → ReLU → conv → norm, plus
/// the input (through a 1×1 projection when the widths differ), then ReLU. The norm is a LayerNorm over each voxel's
/// channels: it needs no batch statistics, so one scene per step and prediction behave alike.
final class SparseResidualBlock: Module {
    let conv1: SparseConvolution, norm1: LayerNorm
    let conv2: SparseConvolution, norm2: LayerNorm
    let shortcut: Linear?

    init(_ inWidth: Int, _ outWidth: Int, using rng: inout some RandomNumberGenerator) {
        conv1 = SparseConvolution(.submanifold, inWidth, outWidth, using: &rng); norm1 = LayerNorm(outWidth)
        conv2 = SparseConvolution(.submanifold, outWidth, outWidth, using: &rng); norm2 = LayerNorm(outWidth)
        shortcut = inWidth == outWidth ? nil : Linear(inWidth, outWidth, bias: false, using: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("conv1", conv1) + prefixed("norm1", norm1) + prefixed("conv2", conv2) + prefixed("norm2", norm2)
            + (shortcut.map { prefixed("shortcut", $0) } ?? [])
    }

    func callAsFunction(_ x: Var, map: KernelMap) throws(TensorError) -> Var {
        let h = norm1(try conv1(x, map: map)).relu()
        return (norm2(try conv2(h, map: map)) + (shortcut.map { $0(x) } ?? x)).relu()
    }
}

/// A strided (down) or transposed (up) sparse convolution followed by LayerNorm and ReLU.
final class SparseResample: Module {
    let conv: SparseConvolution, norm: LayerNorm

    init(_ kind: SparseConvolutionKind, _ inWidth: Int, _ outWidth: Int, using rng: inout some RandomNumberGenerator) {
        conv = SparseConvolution(kind, inWidth, outWidth, using: &rng)
        norm = LayerNorm(outWidth)
    }

    var namedParameters: [(name: String, parameter: Parameter)] { prefixed("conv", conv) + prefixed("norm", norm) }

    func callAsFunction(_ x: Var, map: KernelMap) throws(TensorError) -> Var { norm(try conv(x, map: map)).relu() }
}

/// A residual sparse UNet: a 3×3×3 stem to `widths[0]`, then per level `blocksPerLevel` residual blocks and a
/// stride-2 convolution to the next width; on the way up a transposed convolution back, concatenation with the
/// skip features of that level and residual blocks (the first one 2·width → width). `[V, inWidth]` → `[V, widths[0]]`.
public final class SparseUNet: Module {
    public let config: SparseUNetConfig
    let stem: SparseConvolution, stemNorm: LayerNorm
    let encoderBlocks: [[SparseResidualBlock]]
    let downs: [SparseResample]
    let ups: [SparseResample]
    let decoderBlocks: [[SparseResidualBlock]]

    public init(inWidth: Int, config: SparseUNetConfig, using rng: inout some RandomNumberGenerator) {
        self.config = config
        let w = config.widths, b = config.blocksPerLevel
        stem = SparseConvolution(.submanifold, inWidth, w[0], using: &rng); stemNorm = LayerNorm(w[0])
        encoderBlocks = w.map { width in (0..<b).map { _ in SparseResidualBlock(width, width, using: &rng) } }
        downs = (0..<(w.count - 1)).map { SparseResample(.down, w[$0], w[$0 + 1], using: &rng) }
        ups = (0..<(w.count - 1)).map { SparseResample(.up, w[$0 + 1], w[$0], using: &rng) }
        decoderBlocks = (0..<(w.count - 1)).map { l in
            (0..<b).map { i in SparseResidualBlock(i == 0 ? 2 * w[l] : w[l], w[l], using: &rng) }
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var out = prefixed("stem", stem) + prefixed("stem_norm", stemNorm)
        for (l, blocks) in encoderBlocks.enumerated() {
            for (i, block) in blocks.enumerated() { out += prefixed("enc.\(l).\(i)", block) }
            if l < downs.count { out += prefixed("down.\(l)", downs[l]) }
        }
        for (l, blocks) in decoderBlocks.enumerated() {
            out += prefixed("up.\(l)", ups[l])
            for (i, block) in blocks.enumerated() { out += prefixed("dec.\(l).\(i)", block) }
        }
        return out
    }

    /// Voxel features `x [maps.sets[0].count, inWidth]` → `[maps.sets[0].count, widths[0]]`.
    public func callAsFunction(_ x: Var, maps: SparseUNetMaps) throws(TensorError) -> Var {
        let levels = config.widths.count
        guard maps.sets.count == levels else {
            throw .shapeMismatch(op: "SparseUNet levels", expected: [levels], actual: [maps.sets.count])
        }
        var h = stemNorm(try stem(x, map: maps.submanifold[0])).relu()
        var skips: [Var] = []
        for l in 0..<levels {
            for block in encoderBlocks[l] { h = try block(h, map: maps.submanifold[l]) }
            if l < levels - 1 {
                skips.append(h)
                h = try downs[l](h, map: maps.down[l])
            }
        }
        for l in stride(from: levels - 2, through: 0, by: -1) {
            h = Var.concat([try ups[l](h, map: maps.up[l]), skips[l]], axis: 1)
            for block in decoderBlocks[l] { h = try block(h, map: maps.submanifold[l]) }
        }
        return h
    }
}
