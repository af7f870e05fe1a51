/// Points unprojected from a depth image, in camera coordinates, with the pixel each came from.
public struct DepthPoints: Sendable, Equatable {
    /// `[M]` points in camera coordinates (metres, +z forward), one per valid sampled pixel.
    public var pointsInCamera: [SIMD3<Float>]
    /// `[M]` row-major pixel indices `v · width + u` into the depth image, increasing.
    public var pixelIndices: [Int32]

    public init(pointsInCamera: [SIMD3<Float>], pixelIndices: [Int32]) {
        self.pointsInCamera = pointsInCamera
        self.pixelIndices = pixelIndices
    }

    public var count: Int { pointsInCamera.count }
}

extension PinholeIntrinsics {
    /// Unprojects a whole depth image into camera-space points.
    ///
    /// - Parameters:
    ///   - depth: `[height · width]` row-major raw depth; metres = raw / `depthScale`; `0` = no depth.
    ///   - depthScale: raw units per metre (1000 for ScanNet / RealSense millimetres, 5000 for TUM).
    ///   - stride: sample every `stride`-th pixel in both directions, starting at (0, 0).
    ///   - depthRange: keep only depths (metres) in this range; `nil` keeps every valid depth.
    /// - Returns: the points and their pixel indices, in row-major pixel order.
    public func unprojectDepth(_ depth: [UInt16], depthScale: Double, stride: Int = 1,
                               depthRange: ClosedRange<Double>? = nil) throws(GeometryError) -> DepthPoints {
        try validate()
        guard depth.count == pixelCount else {
            throw .sizeMismatch(name: "depth", expected: pixelCount, actual: depth.count)
        }
        guard depthScale.isFinite, depthScale > 0 else {
            throw .invalidArgument(name: "depthScale", value: "\(depthScale)", expected: "finite, > 0")
        }
        guard stride >= 1 else {
            throw .invalidArgument(name: "stride", value: "\(stride)", expected: ">= 1")
        }
        let metresPerUnit = 1 / depthScale
        let lower = depthRange?.lowerBound ?? 0
        let upper = depthRange?.upperBound ?? .infinity
        let inverseFx = 1 / fx, inverseFy = 1 / fy
        var points: [SIMD3<Float>] = []
        var indices: [Int32] = []
        let estimate = (width / stride + 1) * (height / stride + 1)
        points.reserveCapacity(estimate)
        indices.reserveCapacity(estimate)
        for v in Swift.stride(from: 0, to: height, by: stride) {
            let rayY = (Double(v) - cy) * inverseFy
            let rowStart = v * width
            for u in Swift.stride(from: 0, to: width, by: stride) {
                let raw = depth[rowStart + u]
                guard raw != 0 else { continue }
                let z = Double(raw) * metresPerUnit
                guard z >= lower, z <= upper else { continue }
                let rayX = (Double(u) - cx) * inverseFx
                points.append(SIMD3(Float(rayX * z), Float(rayY * z), Float(z)))
                indices.append(Int32(truncatingIfNeeded: rowStart + u))
            }
        }
        return DepthPoints(pointsInCamera: points, pixelIndices: indices)
    }
}
