import Tensor

/// The published SegDINO3D's kind of backbone at CPU scale: points → voxels of `unet.voxelSize` (each voxel the
/// mean of its points' input rows: xyz, rgb, normal, lifted 2D feature) → `SparseUNet` → each point takes its
/// voxel's feature (plus, with `unet.pointBranch`, a per-point MLP of its own input row) → the `SuperpointHead`
/// shared with `SuperpointEncoder`.
public final class SparseUNetEncoder: PointEncoder {
    let config: ModelConfig
    let unet: SparseUNet
    let head: SuperpointHead
    /// The point branch (`unet.pointBranch`): input row → `pointHidden` → the UNet's finest width.
    let pointMLP: MLP?

    public init(config: ModelConfig, using rng: inout some RandomNumberGenerator) {
        self.config = config
        unet = SparseUNet(inWidth: 9 + config.feature2DWidth, config: config.unet, using: &rng)
        head = SuperpointHead(pointWidth: config.unet.widths.first ?? 1, config: config, using: &rng)
        pointMLP = config.unet.pointBranch
            ? MLP(widths: [9 + config.feature2DWidth, config.pointHidden, config.unet.widths.first ?? 1], using: &rng) : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("unet", unet) + head.namedParameters + (pointMLP.map { prefixed("point_mlp", $0) } ?? [])
    }

    public var pointFeatureWidth: Int { config.unet.widths.first ?? 1 }

    /// The voxels of `input` and every level's kernel maps. Throws `emptyScene` for no voxels and
    /// `invalidConfiguration(unet.voxelSize)` when the scene has more than `unet.maxVoxels` voxels.
    public func voxelize(_ input: ModelInput) throws(SegDINO3DError) -> (Voxelization, SparseUNetMaps) {
        let v: Voxelization
        do {
            v = try Voxelization(points: input.coords, voxelSize: config.unet.voxelSize, maxVoxels: config.unet.maxVoxels,
                                 field: "model.unet.voxelSize")
        } catch {
            switch error {
            case .emptyVoxelSet: throw .emptyScene(reason: "no voxels at model.unet.voxelSize = \(config.unet.voxelSize) m")
            case let .tooManyVoxels(_, voxels, cap):
                throw .invalidConfiguration(field: "model.unet.voxelSize", value: String(config.unet.voxelSize),
                                            reason: "gives \(voxels) voxels, more than model.unet.maxVoxels = \(cap)")
            default:
                throw .invalidConfiguration(field: "model.unet.voxelSize", value: String(config.unet.voxelSize), reason: "\(error)")
            }
        }
        return (v, SparseUNetMaps(voxels: v.voxels, levels: config.unet.widths.count))
    }

    public func pointFeatures(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) throws(SegDINO3DError) -> Var {
        let (v, maps) = try voxelize(input)
        let rows = tape.constant(pointInputRows(input, geometry: geometry, feature2DWidth: config.feature2DWidth))
        let voxelRows = rows.scatterMean(segments: v.pointToVoxel, segmentCount: v.voxels.count)
        let perVoxel: Var
        do {
            perVoxel = try unet(voxelRows, maps: maps).gatherRows(v.pointToVoxel)
        } catch {
            throw .shapeMismatch(input: "sparse UNet (\(error))", expected: [v.voxels.count, 9 + config.feature2DWidth], actual: voxelRows.shape)
        }
        guard let pointMLP else { return perVoxel }
        return (perVoxel + pointMLP(rows)).relu()
    }

    public func encode(_ input: ModelInput, geometry: SceneGeometry, tape: Tape) throws(SegDINO3DError) -> Var {
        head(try pointFeatures(input, geometry: geometry, tape: tape), input: input, geometry: geometry)
    }
}
