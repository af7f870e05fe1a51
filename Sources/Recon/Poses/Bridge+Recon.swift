import CBridge
import Geometry

/// Throws `ReconError.bridgeFailure` with `cb_last_error()` unless `status == CB_OK`.
func checkBridge(_ status: Int32, _ function: String) throws(ReconError) {
    guard Int(status) != Int(CB_OK) else { return }
    throw .bridgeFailure(function: function, status: status, message: String(cString: cb_last_error()))
}

extension cb_pose {
    /// The bridge pose of a transform (quaternion x, y, z, w).
    init(_ transform: RigidTransform) {
        let q = transform.rotation, t = transform.translation
        self.init(q_xyzw: (q.x, q.y, q.z, q.w), t: (t.x, t.y, t.z))
    }

    var transform: RigidTransform {
        RigidTransform(rotation: Quaternion(x: q_xyzw.0, y: q_xyzw.1, z: q_xyzw.2, w: q_xyzw.3),
                       translation: SIMD3(t.0, t.1, t.2))
    }
}
