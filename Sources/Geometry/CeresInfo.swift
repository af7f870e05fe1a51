import CBridge

/// Facts about the linked Ceres solver.
public enum CeresInfo {
    /// The Ceres version CBridge was compiled against, e.g. "2.1.0".
    public static var version: String { String(cString: cb_ceres_version()) }
}
