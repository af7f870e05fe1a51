import Dispatch
import Support

/// How `NormalEstimation` chooses the sign of each normal (PCA alone only finds the line).
public enum NormalOrientation: Sendable, Equatable {
    /// Keep the sign the eigen solver returns (arbitrary but deterministic).
    case none
    /// Make every normal point toward `viewpoint` (e.g. the camera centre, for a single-view cloud).
    case towardViewpoint(SIMD3<Float>)
    /// Make every normal have a non-negative component along `direction` (e.g. +z, up in the scene frame).
    case alongDirection(SIMD3<Float>)
}

/// Options of `NormalEstimation`.
public struct NormalEstimationOptions: Sendable, Equatable {
    /// Neighbourhood size: each point plus its `neighborCount − 1` nearest neighbours (≥ 3).
    public var neighborCount: Int = 16
    public var orientation: NormalOrientation = .none

    public init(neighborCount: Int = 16, orientation: NormalOrientation = .none) {
        self.neighborCount = neighborCount
        self.orientation = orientation
    }

    public func validate() throws(GeometryError) {
        guard neighborCount >= 3 else {
            throw .invalidArgument(name: "neighborCount", value: "\(neighborCount)", expected: ">= 3")
        }
        switch orientation {
        case .none: break
        case .towardViewpoint(let p) where !(p.x.isFinite && p.y.isFinite && p.z.isFinite):
            throw .invalidArgument(name: "orientation.viewpoint", value: "\(p)", expected: "finite")
        case .alongDirection(let d) where !(length3(d) > 0 && length3(d).isFinite):
            throw .invalidArgument(name: "orientation.direction", value: "\(d)", expected: "finite, non-zero")
        default: break
        }
    }
}

/// Per-point normals and surface variation from `NormalEstimation`.
public struct NormalEstimationResult: Sendable, Equatable {
    /// `[N]` unit normals: the eigenvector of the smallest eigenvalue of the neighbourhood covariance.
    /// `(0, 0, 0)` for points whose neighbourhood has fewer than 3 points.
    public var normals: [SIMD3<Float>]
    /// `[N]` surface variation `λ₀ / (λ₀ + λ₁ + λ₂)` in `[0, 1/3]`: 0 on a plane, larger at edges and corners.
    public var surfaceVariation: [Float]
}

/// Normals by principal component analysis over k nearest neighbours (as Open3D's `estimate_normals`
/// with a KNN search): covariance of the neighbourhood about its centroid, smallest-eigenvalue direction.
public enum NormalEstimation {
    /// - Parameters:
    ///   - points: `[N]` points (metres).
    ///   - tree: a tree over the same `points`, if already built; built here otherwise.
    public static func estimate(points: [SIMD3<Float>], tree: KDTree? = nil,
                                options: NormalEstimationOptions = NormalEstimationOptions())
        throws(GeometryError) -> NormalEstimationResult {
        try options.validate()
        let searchTree: KDTree
        if let tree {
            guard tree.count == points.count else {
                throw .sizeMismatch(name: "tree.count", expected: points.count, actual: tree.count)
            }
            searchTree = tree
        } else {
            searchTree = try KDTree(points: points)
        }
        let graph = try searchTree.knnGraph(k: options.neighborCount - 1)
        let n = points.count
        var normals = [SIMD3<Float>](repeating: .zero, count: n)
        var variation = [Float](repeating: 0, count: n)
        let chunkSize = 8192
        let chunks = (n + chunkSize - 1) / chunkSize
        normals.withUnsafeMutableBufferPointer { normalBuffer in
            variation.withUnsafeMutableBufferPointer { variationBuffer in
                let outNormals = DisjointWrites(normalBuffer), outVariation = DisjointWrites(variationBuffer)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
                        // Moments about the point itself keep the sums small (no catastrophic cancellation).
                        let origin = SIMD3<Double>(points[i])
                        var moments = NeighbourhoodMoments()
                        moments.add(.zero)
                        for j in graph.neighbors(of: i) where j >= 0 {
                            moments.add(SIMD3<Double>(points[Int(j)]) - origin)
                        }
                        guard moments.count >= 3 else { continue }
                        let (normal, surfaceVariation) = principalNormal(covariance: moments.covariance)
                        outNormals[i] = orient(SIMD3<Float>(normal), at: points[i], options.orientation)
                        outVariation[i] = Float(surfaceVariation)
                    }
                }
            }
        }
        return NormalEstimationResult(normals: normals, surfaceVariation: variation)
    }

    /// The smallest-variance direction of a covariance matrix and the surface variation `λ₀ / Σλ`.
    static func principalNormal(covariance: Matrix3) -> (normal: SIMD3<Double>, variation: Double) {
        let eigen = SymmetricEigen3(covariance)
        let total = eigen.eigenvalues.sum()
        let variation = total > 0 ? max(0, eigen.eigenvalues.x) / total : 0
        return (eigen.eigenvectors.column(0), variation)
    }

    static func orient(_ normal: SIMD3<Float>, at point: SIMD3<Float>, _ orientation: NormalOrientation) -> SIMD3<Float> {
        switch orientation {
        case .none:
            return normal
        case .towardViewpoint(let viewpoint):
            return dot3(normal, viewpoint - point) < 0 ? -normal : normal
        case .alongDirection(let direction):
            return dot3(normal, direction) < 0 ? -normal : normal
        }
    }
}

/// First and second moments of a point set, accumulated one point at a time.
struct NeighbourhoodMoments {
    var count = 0
    var sum = SIMD3<Double>.zero
    var sumOuter = Matrix3.zero

    mutating func add(_ p: SIMD3<Double>) {
        count += 1
        sum += p
        sumOuter = sumOuter + Matrix3.outer(p, p)
    }

    /// The population covariance `Σ ppᵀ / n − μ μᵀ`.
    var covariance: Matrix3 {
        let mean = sum / Double(max(count, 1))
        return (1 / Double(max(count, 1))) * sumOuter - Matrix3.outer(mean, mean)
    }
}
