import CBridge

/// Throws `GeometryError.bridgeFailure` carrying `cb_last_error()` unless `status == CB_OK`.
func checkBridgeStatus(_ status: Int32, function: String) throws(GeometryError) {
    guard Int(status) != Int(CB_OK) else { return }
    throw .bridgeFailure(function: function, status: status, message: String(cString: cb_last_error()))
}

/// A Swift string from a fixed-size NUL-terminated C char array imported as a tuple.
func bridgedString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension cb_pose {
    /// The bridge pose of a transform (quaternion in xyzw order).
    init(_ transform: RigidTransform) {
        let q = transform.rotation, t = transform.translation
        self.init(q_xyzw: (q.x, q.y, q.z, q.w), t: (t.x, t.y, t.z))
    }
}

extension RigidTransform {
    /// A transform from a bridge pose (quaternion in xyzw order; normalised here).
    init(bridged pose: cb_pose) {
        self.init(rotation: Quaternion(x: pose.q_xyzw.0, y: pose.q_xyzw.1, z: pose.q_xyzw.2, w: pose.q_xyzw.3),
                  translation: SIMD3(pose.t.0, pose.t.1, pose.t.2))
    }
}
