import Foundation

/// The stages that write a scene folder, and the record (`stages.json`) of the options each ran with, so that
/// `prepare` and `demo` can tell "done" from "done with other options".
public enum SceneStage: String, CaseIterable, Sendable, Codable {
    case recon, superpoints, lift, trackMasks = "track_masks"

    /// The artefacts the stage writes; it is done when all their required files are present.
    public var artefacts: [SceneArtefact] {
        switch self {
        case .recon: return [.points, .correspondences]
        case .superpoints: return [.superpoints]
        case .lift: return [.liftedLabels]
        case .trackMasks: return [.trackedLabels]
        }
    }

    /// The stage that writes `artefact`.
    public init(writing artefact: SceneArtefact) {
        switch artefact {
        case .points, .correspondences, .groundTruth: self = .recon
        case .superpoints: self = .superpoints
        case .liftedLabels: self = .lift
        case .trackedLabels: self = .trackMasks
        }
    }
}

/// What the contract says about a stage of a folder.
public enum SceneStageStatus: Equatable, Sendable {
    /// Some required file is missing: run the stage.
    case missing
    /// Present and made with the requested options (or with no record to compare: made by an older build).
    case done
    /// Present but made with other options; `option` is the first that differs.
    case optionsChanged(option: String, recorded: String, requested: String)
}

/// `stages.json`: per stage, the options that made its artefacts (values as the user would type them).
public struct SceneStageRecords: Codable, Sendable, Equatable {
    public var formatVersion = 1
    public var stages: [String: [String: String]] = [:]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case stages
    }

    public init() {}
}

extension SceneFolder {
    /// The recorded stage options, or an empty record when `stages.json` is absent or unreadable.
    public func stageRecords() -> SceneStageRecords {
        (try? JSONFile.read(SceneStageRecords.self, from: url(of: .stages))) ?? SceneStageRecords()
    }

    /// Records that `stage` was made with `options` (temporary file, then rename).
    public func recordStage(_ stage: SceneStage, options: [String: String]) throws(SceneContractError) {
        var records = stageRecords()
        records.stages[stage.rawValue] = options
        do { try JSONFile.write(records, to: url(of: .stages)) } catch { throw .io(error) }
    }

    /// Forgets `stage`'s record (its artefacts were removed).
    func clearStageRecord(_ artefact: SceneArtefact) throws(SceneContractError) {
        var records = stageRecords()
        let stage = SceneStage(writing: artefact)
        guard records.stages[stage.rawValue] != nil, !stage.artefacts.contains(where: { isComplete($0) }) else { return }
        records.stages[stage.rawValue] = nil
        do { try JSONFile.write(records, to: url(of: .stages)) } catch { throw .io(error) }
    }

    /// Whether `stage` is done with `options`. Only the keys in `options` are compared; a key the record lacks
    /// counts as changed, so an old record never hides a new option.
    public func status(of stage: SceneStage, options: [String: String]) -> SceneStageStatus {
        guard stage.artefacts.allSatisfy({ isComplete($0) }) else { return .missing }
        guard let recorded = stageRecords().stages[stage.rawValue] else {
            // A folder with stage records whose record of this stage is missing was interrupted before the stage
            // recorded itself; without any records an older build made it, and its files are taken as they are.
            return FileManager.default.fileExists(atPath: url(of: .stages).path) ? .missing : .done
        }
        for key in options.keys.sorted() where recorded[key] != options[key] {
            return .optionsChanged(option: key, recorded: recorded[key] ?? "(not recorded)", requested: options[key] ?? "")
        }
        return .done
    }
}

extension SceneStageRecords {
    /// A JSON object flattened to dotted keys (`fusion.voxelSize` → `0.01`), the form stage options are recorded in.
    public static func flatten(json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return [:] }
        var out: [String: String] = [:]
        func walk(_ value: Any, _ prefix: String) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary { walk(inner, prefix.isEmpty ? key : prefix + "." + key) }
            } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                out[prefix] = String(decoding: data, as: UTF8.self)
            }
        }
        walk(object, "")
        return out
    }
}
