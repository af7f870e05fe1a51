import Foundation

/// One lifted view-level instance of `view_labels.json`.
public struct LiftedInstance: Codable, Sendable, Equatable {
    public var label: String
    public var score: Double
    /// Row in `objects2d_*`, or −1.
    public var object: Int
    /// Row in the `vl_offsets` / `vl_superpoints` CSR.
    public var mask: Int

    public init(label: String, score: Double, object: Int, mask: Int) {
        self.label = label
        self.score = score
        self.object = object
        self.mask = mask
    }
}

/// One view of `view_labels.json`.
public struct LiftedView: Codable, Sendable, Equatable {
    public var view: Int
    public var frame: Int
    public var instances: [LiftedInstance]

    public init(view: Int, frame: Int, instances: [LiftedInstance]) {
        self.view = view
        self.frame = frame
        self.instances = instances
    }
}

/// The file `view_labels.json`.
public struct ViewLabelsFile: Codable, Sendable, Equatable {
    public var formatVersion: Int
    public var views: [LiftedView]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case views
    }

    public init(formatVersion: Int = 1, views: [LiftedView]) {
        self.formatVersion = formatVersion
        self.views = views
    }

    /// Checks every view index, mask row, object row and score against the arrays' counts.
    func validate(file: URL, viewCount: Int, maskCount: Int, objectCount: Int) throws(SceneContractError) {
        for (k, view) in views.enumerated() {
            if view.view < 0 || view.view >= viewCount {
                throw .invalidField(file: file, field: "views[\(k)].view", value: "\(view.view)", expected: "0..<\(viewCount)")
            }
            for (j, instance) in view.instances.enumerated() {
                let field = "views[\(k)].instances[\(j)]"
                if instance.mask < 0 || instance.mask >= maskCount {
                    throw .invalidField(file: file, field: field + ".mask", value: "\(instance.mask)", expected: "0..<\(maskCount)")
                }
                if instance.object < -1 || instance.object >= objectCount {
                    throw .invalidField(file: file, field: field + ".object", value: "\(instance.object)", expected: "-1..<\(objectCount)")
                }
                if !instance.score.isFinite {
                    throw .invalidField(file: file, field: field + ".score", value: "\(instance.score)", expected: "a finite number")
                }
            }
        }
    }
}
