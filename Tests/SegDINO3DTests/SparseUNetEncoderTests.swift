import Testing
import Tensor
@testable import SegDINO3D

func tinyUNetConfig(featureWidth: Int = 0) -> ModelConfig {
    var c = tinyConfig(featureWidth: featureWidth)
    c.encoder = .sparseUNet
    c.unet.widths = [8, 12, 16]
    c.unet.voxelSize = 0.05
    return c
}

@Suite struct SparseUNetEncoderTests {
    /// The UNet model predicts the same shapes as the MLP one, and every weight (UNet levels included) learns.
    @Test func forwardAndEveryParameterGetsAGradient() throws {
        var rng = SeededGenerator(seed: 4)
        let model = try SegDINO3DModel(config: tinyUNetConfig(featureWidth: 3), using: &rng)
        #expect(model.encoder is SparseUNetEncoder)
        #expect(model.namedParameters.contains { $0.name == "encoder.unet.down.1.conv.weight" })
        let tape = Tape()
        let predictions = try model.forward(tinyInput(featureWidth: 3, seeds: [0, 3]), tape: tape)
        #expect(predictions.last?.maskLogits.shape == [2, 8])
        let loss = predictions.map { $0.maskLogits.square().mean() + $0.centers.sum() }.reduce(tape.constant(Tensor(scalar: 0)), +)
        tape.backward(loss)
        for (name, p) in model.namedParameters where name.hasPrefix("encoder.unet") {
            let g = try #require(p.grad, "\(name) got no gradient")
            let finite = g.floats().allSatisfy { $0.isFinite }
            #expect(finite, "\(name)")
        }
    }

    /// Points of one voxel take the same feature; points of different voxels generally do not.
    @Test func pointsShareTheirVoxelsFeature() throws {
        var rng = SeededGenerator(seed: 5)
        var config = tinyUNetConfig()
        config.unet.voxelSize = 0.1
        let encoder = SparseUNetEncoder(config: config, using: &rng)
        let input = tinyInput(points: 24)
        let (v, _) = try encoder.voxelize(input)
        let f = try encoder.pointFeatures(input, geometry: SceneGeometry(input), tape: Tape(recording: false)).value
        let w = encoder.pointFeatureWidth
        #expect(f.shape == [24, w])
        let rows = (0..<24).map { i in (0..<w).map { f[flat: i * w + $0] } }
        for i in 0..<24 { for j in 0..<24 where v.pointToVoxel[i] == v.pointToVoxel[j] { #expect(rows[i] == rows[j]) } }
        #expect(Set(v.pointToVoxel).count > 1)
        #expect(Set(rows).count == Set(v.pointToVoxel).count)
    }

    /// With the point branch, points of one voxel differ by their own input rows, every branch weight learns, and the
    /// parameters are named apart from the UNet's (checkpoints without the branch keep their names).
    @Test func pointBranchGivesPointsTheirOwnFeatures() throws {
        var rng = SeededGenerator(seed: 8)
        var config = tinyUNetConfig(featureWidth: 3)
        config.unet.voxelSize = 0.1
        config.unet.pointBranch = true
        let encoder = SparseUNetEncoder(config: config, using: &rng)
        let input = tinyInput(points: 24, featureWidth: 3)
        let (v, _) = try encoder.voxelize(input)
        let f = try encoder.pointFeatures(input, geometry: SceneGeometry(input), tape: Tape(recording: false)).value
        let w = encoder.pointFeatureWidth
        #expect(f.shape == [24, w])
        let rows = (0..<24).map { i in (0..<w).map { f[flat: i * w + $0] } }
        #expect(Set(rows).count > Set(v.pointToVoxel).count, "points of one voxel should no longer share a row")

        let model = try SegDINO3DModel(config: config, using: &rng)
        let names = model.namedParameters.map(\.name)
        #expect(names.contains("encoder.point_mlp.layers.0.weight"))
        var off = config
        off.unet.pointBranch = false
        let plain = try SegDINO3DModel(config: off, using: &rng).namedParameters.map(\.name)
        #expect(Set(names).subtracting(plain).allSatisfy { $0.hasPrefix("encoder.point_mlp.") })
        #expect(Set(plain).isSubset(of: Set(names)))

        let tape = Tape()
        let predictions = try model.forward(tinyInput(featureWidth: 3, seeds: [0, 3]), tape: tape)
        let loss = predictions.map { $0.maskLogits.square().mean() + $0.centers.sum() }.reduce(tape.constant(Tensor(scalar: 0)), +)
        tape.backward(loss)
        for (name, p) in model.namedParameters where name.hasPrefix("encoder.point_mlp") {
            let g = try #require(p.grad, "\(name) got no gradient")
            #expect(g.floats().contains { $0 != 0 }, "\(name)")
        }
    }

    /// A voxel size that makes more voxels than the cap is an error naming the field and the value.
    @Test func tooManyVoxelsNamesTheField() throws {
        var rng = SeededGenerator(seed: 6)
        var config = tinyUNetConfig()
        config.unet.voxelSize = 0.001
        config.unet.maxVoxels = 10
        let model = try SegDINO3DModel(config: config, using: &rng)
        #expect(throws: SegDINO3DError.invalidConfiguration(field: "model.unet.voxelSize", value: "0.001",
                                                            reason: "gives 40 voxels, more than model.unet.maxVoxels = 10")) {
            try model.forward(tinyInput(), tape: Tape())
        }
        config.unet.widths = []
        #expect(throws: SegDINO3DError.self) { try SegDINO3DModel(config: config, using: &rng) }
    }

    /// The distillation head predicts one row per point of the 2D feature width, and needs that width.
    @Test func distillationHead() throws {
        var rng = SeededGenerator(seed: 7)
        let model = try SegDINO3DModel(config: tinyUNetConfig(featureWidth: 4), distillation: true, using: &rng)
        let f = try model.predictFeatures2D(tinyInput(), tape: Tape())
        #expect(f.shape == [40, 4])
        #expect(throws: SegDINO3DError.self) { try SegDINO3DModel(config: tinyUNetConfig(), distillation: true, using: &rng) }
    }
}
