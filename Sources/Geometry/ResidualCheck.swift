import CBridge

/// The Ceres residual families registered in CBridge (`CB_RESIDUAL_*`, `CBridge/residual_check.cpp`).
public enum ResidualKind: Int32, Sendable, CaseIterable {
    /// Blocks `q_xyzw[4]`, `t[3]`; data `p_s[3], q_t[3], n_t[3]`; residual `n_t · (R p_s + t − q_t)`.
    case pointToPlane = 1
    /// Blocks `q_xyzw[4]`, `t[3]`; data `p_s[3], I_s, fx, fy, cx, cy, image[64]` (8×8 row-major target image);
    /// residual `I_t(π(R p_s + t)) − I_s` with bicubic interpolation (`residuals/photometric.hpp`).
    case photometric = 2
    /// Blocks `p_a[3], q_a[4], p_b[3], q_b[4]` (xyzw); data `p_ab[3], q_ab[4], S[36]`; 6 residuals
    /// `S [p_ab_est − p_ab; 2·vec(q_ab · q_ab_est⁻¹)]` (`residuals/pose_graph_edge.hpp`).
    case poseGraphEdge = 3
    /// `pointToPlane` with the closed-form Jacobian that the RGB-D odometry's solver uses in the autodiff slot
    /// (`residuals/rotated_point.hpp`).
    case pointToPlaneClosedForm = 5
    /// `photometric` with its closed-form Jacobian in the autodiff slot.
    case photometricClosedForm = 6

    /// The family whose Jacobian comes from automatic differentiation of the same functor, for closed-form kinds.
    public var automaticCounterpart: ResidualKind? {
        switch self {
        case .pointToPlaneClosedForm: .pointToPlane
        case .photometricClosedForm: .photometric
        case .pointToPlane, .photometric, .poseGraphEdge: nil
        }
    }
}

/// Sizes of a residual family: residuals per evaluation, parameter block sizes, constant data length.
public struct ResidualShape: Sendable, Equatable {
    public var residualCount: Int
    public var blockSizes: [Int]
    public var dataLength: Int

    /// `Σ blockSizes`, the length of the concatenated parameter vector.
    public var parameterCount: Int { blockSizes.reduce(0, +) }
}

/// One residual evaluated by Ceres' AutoDiff and by its central-difference NumericDiff.
public struct ResidualEvaluation: Sendable, Equatable {
    public var shape: ResidualShape
    /// `[residualCount]` residuals from `ceres::AutoDiffCostFunction`.
    public var autodiffResiduals: [Double]
    /// Block-concatenated Jacobian, each block `[residualCount, blockSize]` row-major, w.r.t. raw parameters.
    public var autodiffJacobian: [Double]
    /// `[residualCount]` residuals from `ceres::NumericDiffCostFunction` (CENTRAL).
    public var numericResiduals: [Double]
    /// The numeric Jacobian, laid out like `autodiffJacobian`.
    public var numericJacobian: [Double]

    /// `‖J_auto − J_numeric‖_F / max(‖J_auto‖_F, 1e-300)`; small (< 1e-6) when the functor's autodiff is right.
    public var jacobianRelativeError: Double {
        var difference = 0.0, reference = 0.0
        for (a, n) in zip(autodiffJacobian, numericJacobian) {
            difference += (a - n) * (a - n)
            reference += a * a
        }
        return (difference / max(reference, 1e-300)).squareRoot()
    }
}

/// Analytic-versus-numeric checks of the bridge's residual functors (project rule: every Ceres residual
/// is checked against numeric differentiation).
public enum ResidualCheck {
    /// The shape of `kind`.
    public static func shape(of kind: ResidualKind) throws(GeometryError) -> ResidualShape {
        var raw = cb_residual_shape()
        try checkBridgeStatus(cb_residual_shape_of(kind.rawValue, &raw), function: "cb_residual_shape_of")
        let sizes = withUnsafeBytes(of: raw.block_sizes) { Array($0.bindMemory(to: Int32.self)) }
        return ResidualShape(residualCount: Int(raw.num_residuals),
                             blockSizes: sizes.prefix(Int(raw.num_blocks)).map(Int.init),
                             dataLength: Int(raw.data_length))
    }

    /// Evaluates `kind` at `parameters` (blocks concatenated) for constant `data`, with both differentiations.
    public static func evaluate(_ kind: ResidualKind, parameters: [Double],
                                data: [Double]) throws(GeometryError) -> ResidualEvaluation {
        let shape = try shape(of: kind)
        guard parameters.count == shape.parameterCount else {
            throw .sizeMismatch(name: "parameters", expected: shape.parameterCount, actual: parameters.count)
        }
        guard data.count == shape.dataLength else {
            throw .sizeMismatch(name: "data", expected: shape.dataLength, actual: data.count)
        }
        let jacobianCount = shape.residualCount * shape.parameterCount
        var autoResiduals = [Double](repeating: 0, count: shape.residualCount)
        var numericResiduals = autoResiduals
        var autoJacobian = [Double](repeating: 0, count: jacobianCount)
        var numericJacobian = autoJacobian
        let status = cb_evaluate_residual(kind.rawValue, parameters, data, &autoResiduals, &autoJacobian,
                                          &numericResiduals, &numericJacobian)
        try checkBridgeStatus(status, function: "cb_evaluate_residual")
        return ResidualEvaluation(shape: shape, autodiffResiduals: autoResiduals, autodiffJacobian: autoJacobian,
                                  numericResiduals: numericResiduals, numericJacobian: numericJacobian)
    }
}
