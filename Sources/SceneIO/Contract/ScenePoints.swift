import Foundation

/// The point cloud of a scene (written by `recon`): `coord.npy` f32 [N, 3] (world metres, +z up, finite),
/// `color.npy` u8 [N, 3] (optional), `normal.npy` f32 [N, 3] (optional, finite). Coordinates beyond ±1e4 m are
/// refused (a room is metres wide; huge values overflow voxel and grid indices downstream).
public struct ScenePoints: Sendable, Equatable {
    /// `[N·3]` positions.
    public var coords: [Float]
    /// `[N·3]` RGB, or nil when the scene has no colours.
    public var colors: [UInt8]?
    /// `[N·3]` unit normals, or nil.
    public var normals: [Float]?

    public var count: Int { coords.count / 3 }

    public init(coords: [Float], colors: [UInt8]? = nil, normals: [Float]? = nil) {
        self.coords = coords
        self.colors = colors
        self.normals = normals
    }

    /// Reads and validates the points of `folder`.
    public static func read(from folder: SceneFolder) throws(SceneContractError) -> ScenePoints {
        let coordURL = folder.url(of: .coord)
        let (coords, shape) = try folder.contractFloats(.coord, of: .points, shape: [nil, 3], dtypes: [.float32])
        let n = shape[0]
        try ContractCheck.bounded(coords, limit: ContractCheck.coordinateLimit, file: coordURL)
        var points = ScenePoints(coords: coords)
        if folder.has(.color) {
            let color = try folder.contractArray(.color, of: .points)
            try ContractCheck.shape(color, [n, 3], dtypes: [.uint8], file: folder.url(of: .color))
            points.colors = try ContractCheck.values { () throws(SceneIOError) in try color.uint8s() }
        }
        if folder.has(.normal) {
            let normals = try folder.contractFloats(.normal, of: .points, shape: [n, 3], dtypes: [.float32]).values
            try ContractCheck.bounded(normals, limit: ContractCheck.coordinateLimit, file: folder.url(of: .normal))
            points.normals = normals
        }
        return points
    }

    /// The number of points N from the manifest alone (no array read), or nil without `coord`.
    public static func recordedCount(in folder: SceneFolder) -> Int? {
        folder.manifest.arrays[SceneFile.coord.stem]?.shape.first
    }

    /// Writes the arrays and removes every artefact computed from older points.
    public func write(to folder: inout SceneFolder) throws(SceneContractError) {
        let n = count
        for (field, length) in [("color", colors?.count), ("normal", normals?.count)] {
            if let length, length != coords.count {
                throw .length(file: folder.url(of: field == "color" ? .color : .normal), expected: coords.count,
                              actual: length, against: "3 × points in coord")
            }
        }
        try folder.invalidate(dependentsOf: .points)
        try folder.contractWrite(coords, shape: [n, 3], as: .coord)
        if let colors { try folder.contractWrite(colors, shape: [n, 3], as: .color) }
        if let normals { try folder.contractWrite(normals, shape: [n, 3], as: .normal) }
    }
}
