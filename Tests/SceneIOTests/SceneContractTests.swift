import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// A valid 6-point, 2-view, 3-superpoint scene written through the contract types.
func makeContractScene(in dir: TemporaryDirectory) throws -> SceneFolder {
    var folder = try SceneFolder.create(at: dir.file("scene"))
    let coords: [Float] = (0..<18).map { Float($0) * 0.1 }
    try ScenePoints(coords: coords, colors: [UInt8](repeating: 7, count: 18),
                    normals: [Float](repeating: 0.5, count: 18)).write(to: &folder)
    try SceneCorrespondences(offsets: [0, 3, 6], points: [0, 1, 2, 3, 4, 5], uv: (0..<12).map(Float.init),
                             sourceView: [0, 0, 0, 1, 1, -1], sourceUV: [Float](repeating: 1, count: 12))
        .write(to: &folder, pointCount: 6)
    try SceneGroundTruthLabels(instance: [1, 1, 2, 2, 0, 0], semantic: [2, 2, 5, 5, 0, 0]).write(to: &folder)
    try SceneSuperpoints(ids: [0, 0, 1, 1, 2, 2], file: folder.url(of: .superpoints)).write(to: &folder)
    var lifted = SceneLiftedLabels(
        labels: ViewLabelsFile(views: [LiftedView(view: 0, frame: 0, instances: [LiftedInstance(label: "chair", score: 0.9, object: 0, mask: 0)]),
                                       LiftedView(view: 1, frame: 5, instances: [LiftedInstance(label: "table", score: 0.8, object: -1, mask: 1)])]),
        maskOffsets: [0, 1, 3], maskSuperpoints: [0, 1, 2], visibleOffsets: [0, 2, 3], visibleSuperpoints: [0, 1, 2])
    lifted.objectCenters = [0.1, 0.2, 0.3]
    lifted.objectViews = [0]
    lifted.objectFeatures = [1, 2]
    lifted.objectChannels = 2
    lifted.pointFeatures = [Float](repeating: 0.25, count: 12)
    lifted.featureChannels = 2
    lifted.featureCounts = [UInt16](repeating: 1, count: 6)
    try lifted.write(to: &folder, pointCount: 6, superpointCount: 3)
    return try SceneFolder(folder.url)
}

/// Reads every artefact of the scene at `url` through the contract, as `train` does.
func readWholeScene(_ url: URL) throws(SceneContractError) {
    let folder: SceneFolder
    do { folder = try SceneFolder(url) } catch { throw .io(error) }
    let points = try ScenePoints.read(from: folder)
    _ = try SceneCorrespondences.read(from: folder, pointCount: points.count)
    _ = try SceneGroundTruthLabels.read(from: folder, pointCount: points.count)
    let superpoints = try SceneSuperpoints.read(from: folder, pointCount: points.count)
    _ = try SceneLiftedLabels.read(from: folder, pointCount: points.count, superpointCount: superpoints.count)
}

/// One hostile value written over a valid array (bypassing the contract's writers), and the error it must give.
struct HostileArray: Sendable, CustomStringConvertible {
    enum Values: Sendable { case i32([Int32]), i64([Int64]), f32([Float]) }
    let name: String
    let values: Values
    let shape: [Int]
    let expected: @Sendable (URL, SceneContractError) -> Bool
    var description: String { "\(name) \(values)" }

    static func range(_ name: String, _ values: [Int32], index: Int, shape: [Int]? = nil) -> HostileArray {
        HostileArray(name: name, values: .i32(values), shape: shape ?? [values.count]) { url, error in
            if case let .outOfRange(file, i, value, _) = error { return file == url && i == index && value == Int64(values[index]) }
            return false
        }
    }
    static func offsets(_ name: String, _ values: [Int64], index: Int) -> HostileArray {
        HostileArray(name: name, values: .i64(values), shape: [values.count]) { url, error in
            if case let .notMonotone(file, i, _, _) = error { return file == url && i == index }
            return false
        }
    }
    static func nonFinite(_ name: String, _ values: [Float], index: Int, shape: [Int]) -> HostileArray {
        HostileArray(name: name, values: .f32(values), shape: shape) { url, error in
            if case let .nonFinite(file, i, _) = error { return file == url && i == index }
            return false
        }
    }

    static let all: [HostileArray] = {
        var coordsInf = [Float](repeating: 0, count: 18); coordsInf[7] = .infinity
        var uvNaN = [Float](repeating: 1, count: 12); uvNaN[3] = .nan
        return [
            range("superpoints", [0, 0, 1, -5, 2, 2], index: 3),
            range("superpoints", [0, 0, 1, 1, -1_000_000, 2], index: 4),
            range("superpoints", [0, 0, 1, 1, 2, 5_000_000], index: 5),
            HostileArray(name: "superpoints", values: .i32([0, 0, 2, 2, 3, 3]), shape: [6]) { url, error in
                error == .notDense(file: url, missingID: 1, count: 4)
            },
            HostileArray(name: "superpoints", values: .i32([0, 1, 2]), shape: [3]) { url, error in
                if case let .shape(file, _, _) = error { return file == url }
                return false
            },
            nonFinite("coord", coordsInf, index: 7, shape: [6, 3]),
            nonFinite("coord", [Float](repeating: .nan, count: 18), index: 0, shape: [6, 3]),
            nonFinite("corr_uv", uvNaN, index: 3, shape: [6, 2]),
            HostileArray(name: "coord", values: .f32([Float](repeating: 1, count: 17) + [1e30]), shape: [6, 3]) { url, error in
                error == .tooLarge(file: url, index: 17, value: 1e30, limit: 1e4)
            },
            HostileArray(name: "corr_uv", values: .f32([Float](repeating: 1, count: 11) + [-3e9]), shape: [6, 2]) { url, error in
                error == .tooLarge(file: url, index: 11, value: -3e9, limit: 1e6)
            },
            offsets("corr_offsets", [0, -3, 6], index: 1),
            offsets("corr_offsets", [0, 4, 3, 6], index: 2),
            offsets("corr_offsets", [0, 3, 9], index: 2),
            range("corr_point", [0, 1, 2, 3, 6, 5], index: 4),
            range("source_view", [0, 0, 0, 1, 2, -1], index: 4),
            range("vl_superpoints", [0, 1, 3], index: 2),
            range("vl_superpoints", [0, -1_000_000, 2], index: 1),
            offsets("vl_offsets", [0, 2, 1], index: 2),
            offsets("sp_view_offsets", [-1, 2, 3], index: 0),
            range("sp_view", [0, 1, 7], index: 2),
            range("objects2d_view", [2], index: 0),
            nonFinite("objects2d_center", [0, .infinity, 0], index: 1, shape: [1, 3]),
            HostileArray(name: "instance", values: .i64([1, 1, 2, 1 << 40, 0, 0]), shape: [6]) { url, error in
                if case let .outOfRange(file, i, value, _) = error { return file == url && i == 3 && value == 1 << 40 }
                return false
            },
            HostileArray(name: "feat2d", values: .f32([]), shape: [6, 0]) { url, error in
                if case let .shape(file, _, _) = error { return file == url }
                return false
            },
        ]
    }()
}

@Suite struct SceneContractTests {
    @Test func validSceneRoundTrips() throws {
        let dir = try TemporaryDirectory()
        let folder = try makeContractScene(in: dir)
        try readWholeScene(folder.url)
        let lifted = try SceneLiftedLabels.read(from: folder, pointCount: 6, superpointCount: 3)
        #expect(Array(lifted.mask(1)) == [1, 2])
        #expect(Array(lifted.visible(view: 0)) == [0, 1])
        #expect(lifted.pointFeatures == [Float](repeating: 0.25, count: 12))
        #expect(try SceneSuperpoints.read(from: folder, pointCount: 6).sizes == [2, 2, 2])
    }

    /// numpy writes int64 by default, so ground truth saved by a user's script arrives as int64 [N].
    @Test func groundTruthMayBeInt64() throws {
        let dir = try TemporaryDirectory()
        var folder = try makeContractScene(in: dir)
        try folder.write([Int64](arrayLiteral: 3, 3, 4, 4, 0, 0), shape: [6], named: SceneFile.instance.stem)
        try folder.write([Int64](arrayLiteral: 2, 2, 5, 5, 0, 0), shape: [6], named: SceneFile.semantic.stem)
        let truth = try SceneGroundTruthLabels.read(from: folder, pointCount: 6)
        #expect(truth == SceneGroundTruthLabels(instance: [3, 3, 4, 4, 0, 0], semantic: [2, 2, 5, 5, 0, 0]))
    }

    @Test(arguments: HostileArray.all)
    func hostileArraysGiveTypedErrors(_ hostile: HostileArray) throws {
        let dir = try TemporaryDirectory()
        var folder = try makeContractScene(in: dir)
        switch hostile.values {
        case let .i32(v): try folder.write(v, shape: hostile.shape, named: hostile.name)
        case let .i64(v): try folder.write(v, shape: hostile.shape, named: hostile.name)
        case let .f32(v): try folder.write(v, shape: hostile.shape, named: hostile.name)
        }
        let url = folder.arrayURL(hostile.name)
        do {
            try readWholeScene(folder.url)
            Issue.record("\(hostile) was accepted")
        } catch {
            #expect(hostile.expected(url, error), "\(hostile): \(error)")
            #expect(error.description.contains(hostile.name), "\(error.description)")
        }
    }

    @Test func viewLabelsFieldsAreChecked() throws {
        let dir = try TemporaryDirectory()
        let folder = try makeContractScene(in: dir)
        for (json, field) in [(#"{"format_version":1,"views":[{"view":0,"frame":0,"instances":[{"label":"a","score":1,"object":-1,"mask":9}]}]}"#, "views[0].instances[0].mask"),
                              (#"{"format_version":1,"views":[{"view":4,"frame":0,"instances":[]}]}"#, "views[0].view"),
                              (#"{"format_version":1,"views":[{"view":0,"frame":0,"instances":[{"label":"a","score":1,"object":3,"mask":0}]}]}"#, "views[0].instances[0].object")] {
            try Data(json.utf8).write(to: folder.url(of: .viewLabels))
            #expect(throws: SceneContractError.invalidField(file: folder.url(of: .viewLabels), field: field,
                                                           value: field.hasSuffix("mask") ? "9" : field.hasSuffix("view") ? "4" : "3",
                                                           expected: field.hasSuffix("mask") ? "0..<2" : field.hasSuffix("view") ? "0..<2" : "-1..<1")) {
                try readWholeScene(folder.url)
            }
        }
    }

    @Test func rewritingSuperpointsInvalidatesLiftedLabels() throws {
        let dir = try TemporaryDirectory()
        var folder = try makeContractScene(in: dir)
        try folder.recordStage(.lift, options: ["pred2d": "/a"])
        #expect(folder.isComplete(.liftedLabels))
        try SceneSuperpoints(ids: [0, 1, 1, 1, 0, 0], file: folder.url(of: .superpoints)).write(to: &folder)
        for file in SceneArtefact.liftedLabels.files { #expect(!folder.has(file), "\(file) survived") }
        #expect(folder.stageRecords().stages["lift"] == nil)
        #expect(folder.isComplete(.correspondences) && folder.isComplete(.groundTruth))
        #expect(folder.status(of: .lift, options: [:]) == .missing)
    }

    @Test func stageStatusComparesRecordedOptions() throws {
        let dir = try TemporaryDirectory()
        let folder = try makeContractScene(in: dir)
        #expect(folder.status(of: .superpoints, options: ["mode": "ibsp"]) == .done)  // no record: an older build made it
        try folder.recordStage(.superpoints, options: ["mode": "geometric"])
        #expect(folder.status(of: .superpoints, options: ["mode": "geometric"]) == .done)
        #expect(folder.status(of: .superpoints, options: ["mode": "ibsp"])
                == .optionsChanged(option: "mode", recorded: "geometric", requested: "ibsp"))
        #expect(folder.status(of: .superpoints, options: ["pred2d": "/x"])
                == .optionsChanged(option: "pred2d", recorded: "(not recorded)", requested: "/x"))
        let flat = SceneStageRecords.flatten(json: #"{"fusion": {"voxelSize": 0.02}, "poseMode": "track", "threads": 2}"#)
        #expect(flat["fusion.voxelSize"] == "0.02" && flat["poseMode"] == "\"track\"" && flat["threads"] == "2")
    }

    @Test func everyFileNameIsSpelledOnce() {
        let names = SceneFile.allCases.map(\.fileName)
        #expect(Set(names).count == names.count)
        #expect(SceneFile.corrOffsets.stem == "corr_offsets" && SceneFile.viewLabels.stem == "view_labels.json")
        for artefact in SceneArtefact.allCases { #expect(Set(artefact.requiredFiles).isSubset(of: Set(artefact.files))) }
    }
}
