import CBridge

/// Options of `PointToPlaneAlignment`. Defaults suit exact or lightly noisy correspondences.
public struct AlignmentOptions: Sendable, Equatable {
    /// Levenberg–Marquardt iterations, ≥ 1.
    public var maxIterations: Int = 50
    /// Threads Ceres uses to evaluate residuals, ≥ 1.
    public var threadCount: Int = 1
    /// Huber loss scale in metres (> 0): residuals beyond it count linearly, so gross outliers pull less.
    /// `nil` is plain least squares.
    public var huberDelta: Double? = nil
    /// Stop when the relative cost decrease falls below this (> 0).
    public var functionTolerance: Double = 1e-12
    /// Stop when the max-norm of the gradient falls below this (> 0).
    public var gradientTolerance: Double = 1e-12
    /// Stop when the relative step falls below this (> 0).
    public var parameterTolerance: Double = 1e-12

    public init() {}

    /// Throws `GeometryError.invalidArgument` for the first field outside its range.
    public func validate() throws(GeometryError) {
        guard maxIterations >= 1, maxIterations <= Int(Int32.max) else {
            throw .invalidArgument(name: "maxIterations", value: "\(maxIterations)", expected: ">= 1")
        }
        guard threadCount >= 1, threadCount <= 1024 else {
            throw .invalidArgument(name: "threadCount", value: "\(threadCount)", expected: "1...1024")
        }
        if let huberDelta, !(huberDelta.isFinite && huberDelta > 0) {
            throw .invalidArgument(name: "huberDelta", value: "\(huberDelta)", expected: "finite, > 0, or nil")
        }
        for (name, value) in [("functionTolerance", functionTolerance), ("gradientTolerance", gradientTolerance),
                              ("parameterTolerance", parameterTolerance)] where !(value.isFinite && value > 0) {
            throw .invalidArgument(name: name, value: "\(value)", expected: "finite, > 0")
        }
    }

    var bridged: cb_align_options {
        cb_align_options(max_iterations: Int32(maxIterations), num_threads: Int32(threadCount),
                         huber_delta: huberDelta ?? 0, function_tolerance: functionTolerance,
                         gradient_tolerance: gradientTolerance, parameter_tolerance: parameterTolerance)
    }
}

/// Why a solve stopped.
public enum SolverTermination: Sendable, Equatable {
    /// A function, gradient or parameter tolerance was met.
    case converged
    /// `maxIterations` ran out first; the pose is the best found so far.
    case maxIterationsReached
    /// Ceres gave up (e.g. a numerical failure in the linear solver); the pose is the last accepted one.
    case failure
}

/// The outcome of `PointToPlaneAlignment.align`.
public struct AlignmentResult: Sendable, Equatable {
    /// The refined pose: `pointInTarget = targetFromSource.apply(to: pointInSource)`.
    public var targetFromSource: RigidTransform
    /// Ceres cost `½ Σ ρ(rᵢ²)` (m²) at the initial pose; lower is better.
    public var initialCost: Double
    /// The same cost at `targetFromSource`; lower is better, never above `initialCost`.
    public var finalCost: Double
    /// Levenberg–Marquardt iterations performed.
    public var iterations: Int
    public var termination: SolverTermination
    /// Ceres' termination message.
    public var message: String

    /// `termination == .converged`.
    public var converged: Bool { termination == .converged }
}

/// Rigid alignment of source points to target points with normals, for known correspondences:
/// minimises `Σ ρ((n_tᵢ · (R p_sᵢ + t − q_tᵢ))²)` over `targetFromSource = (R, t)` with Ceres
/// (autodiff, `EigenQuaternionManifold`, DENSE_QR). One ICP step; re-associate outside and call again.
public enum PointToPlaneAlignment {
    /// - Parameters:
    ///   - source: `[N]` points in the source frame (metres).
    ///   - target: `[N]` matched points in the target frame (metres).
    ///   - targetNormals: `[N]` unit normals at `target`.
    ///   - initial: the starting `targetFromSource`.
    /// - Throws: `sizeMismatch` for unequal counts, `invalidArgument` for bad options, and `bridgeFailure`
    ///   (carrying `cb_last_error()`) for input the solver rejects: no points, NaN or infinite coordinates.
    public static func align(source: [SIMD3<Double>], target: [SIMD3<Double>], targetNormals: [SIMD3<Double>],
                             initial: RigidTransform = .identity,
                             options: AlignmentOptions = AlignmentOptions()) throws(GeometryError) -> AlignmentResult {
        try options.validate()
        guard target.count == source.count else {
            throw .sizeMismatch(name: "target", expected: source.count, actual: target.count)
        }
        guard targetNormals.count == source.count else {
            throw .sizeMismatch(name: "targetNormals", expected: source.count, actual: targetNormals.count)
        }
        guard source.count <= Int(Int32.max) / 3 else {
            throw .invalidArgument(name: "source.count", value: "\(source.count)", expected: "< 2³¹ / 3")
        }
        let flatSource = flatten(source), flatTarget = flatten(target), flatNormals = flatten(targetNormals)
        var start = cb_pose(initial)
        var bridgedOptions = options.bridged
        var out = cb_align_result()
        let status = cb_align_point_to_plane(flatSource, flatTarget, flatNormals, Int32(source.count), &start,
                                             &bridgedOptions, &out)
        try checkBridgeStatus(status, function: "cb_align_point_to_plane")
        return AlignmentResult(targetFromSource: RigidTransform(bridged: out.pose), initialCost: out.initial_cost,
                               finalCost: out.final_cost, iterations: Int(out.iterations),
                               termination: SolverTermination(bridged: out.termination),
                               message: bridgedString(out.message))
    }

    /// The same for single-precision clouds (converted to Double for the solve).
    public static func align(source: [SIMD3<Float>], target: [SIMD3<Float>], targetNormals: [SIMD3<Float>],
                             initial: RigidTransform = .identity,
                             options: AlignmentOptions = AlignmentOptions()) throws(GeometryError) -> AlignmentResult {
        try align(source: source.map(SIMD3<Double>.init), target: target.map(SIMD3<Double>.init),
                  targetNormals: targetNormals.map(SIMD3<Double>.init), initial: initial, options: options)
    }

    private static func flatten(_ points: [SIMD3<Double>]) -> [Double] {
        var flat = [Double]()
        flat.reserveCapacity(points.count * 3)
        for p in points {
            flat.append(p.x)
            flat.append(p.y)
            flat.append(p.z)
        }
        return flat
    }
}

extension SolverTermination {
    init(bridged value: Int32) {
        switch Int(value) {
        case Int(CB_TERMINATION_CONVERGED): self = .converged
        case Int(CB_TERMINATION_MAX_ITERATIONS): self = .maxIterationsReached
        default: self = .failure
        }
    }
}
