import Foundation
import Geometry
import SceneIO
import SegDINO3D
import Tensor
import VIP

/// One training step's input: the model input, the vocabulary and every supervision set.
public struct StepBatch {
    public var input: ModelInput
    public var vocabulary: [String]
    public var sets: [SupervisionSet]
    /// Semantic target of each query's seed superpoint `[Q]` (`TrainScene.ignoredSemantic` = ignored), or nil when
    /// the step has no semantic supervision (no scene-level GT, or no semantic head).
    public var semanticTargets: [Int32]?

    /// Builds the step for an (already augmented) scene. `seeds` are the query superpoints; `useViews` says
    /// whether this scene is in the view-supervised ("reconstructed") share; `step` (0-based) selects the
    /// curriculum's stages (`SupervisionOptions.stages(atStep:)`).
    public static func make(scene: TrainScene, seeds: [Int32], useViews: Bool, config: TrainConfig,
                            embeddings: TextEmbeddings, step: Int = 0, rng: inout SeededGenerator) throws -> StepBatch {
        let sup = config.supervision
        // Which targets supervise this step.
        let stages = useViews ? sup.stages(atStep: step) : []
        if let stage = stages.first(where: \.needsTrackedLabels), !scene.hasTrackedLabels {
            throw TrainError.missingCurriculumLabels(scene: scene.name, stage: stage.rawValue, file: SceneFile.tracks.fileName)
        }
        var sceneTargets = sup.sceneGT ? scene.sceneTargets : []
        var views = stages.contains(.views) ? scene.views.filter { !$0.instances.isEmpty } : []
        if views.count > sup.viewsPerStep {
            views.shuffle(using: &rng)
            views = Array(views.prefix(sup.viewsPerStep))
        }
        var trackedViews = stages.contains(.tracked) ? scene.trackedViews.filter { !$0.instances.isEmpty } : []
        if trackedViews.count > sup.viewsPerStep {
            trackedViews.shuffle(using: &rng)
            trackedViews = Array(trackedViews.prefix(sup.viewsPerStep))
        }
        let pseudo = stages.contains(.pseudo) ? scene.pseudoInstances : []
        sceneTargets = sceneTargets.filter { embeddings.contains($0.name) }
        let fused = stages.contains(.fused) ? Self.uncovered(scene.fusedInstances.filter { embeddings.contains($0.name) },
                                                             by: sceneTargets) : []
        // Vocabulary: the names used here, then each one's nearest names (`hardNegatives`), padded with random
        // negatives to `textCount`.
        let positives = Set(sceneTargets.map(\.name)).union((views + trackedViews).flatMap { $0.instances.map(\.name) })
            .union((pseudo + fused).map(\.name)).filter(embeddings.contains).sorted()
        var negatives = embeddings.names.filter { !positives.contains($0) }
        negatives.shuffle(using: &rng)
        let hard = Self.hardNegatives(for: positives, count: config.hardNegatives ?? 0, embeddings: embeddings)
        let hardSet = Set(hard)
        let vocabulary = positives + hard
            + negatives.filter { !hardSet.contains($0) }.prefix(max(0, config.textCount - positives.count - hard.count))
        var labelOf: [String: Int] = [:]
        for (i, n) in vocabulary.enumerated() { labelOf[n] = i }
        // 2D objects with dropout.
        let useFeatures = config.features2D && config.model.feature2DWidth > 0 && scene.feature2DWidth == config.model.feature2DWidth
        var objFeat: [Float] = [], objCenter: [Float] = [], objUndistorted: [Float] = [], kept: [Int] = []
        if useFeatures {
            let c = scene.feature2DWidth
            for o in 0..<(scene.objectCenters.count / 3) where rng.nextUnitDouble() >= config.objectDropout {
                kept.append(o)
                objFeat.append(contentsOf: scene.objectFeatures[(o * c)..<((o + 1) * c)])
                objCenter.append(contentsOf: scene.objectCenters[(o * 3)..<(o * 3 + 3)])
                if !scene.undistortedObjectCenters.isEmpty { objUndistorted.append(contentsOf: scene.undistortedObjectCenters[(o * 3)..<(o * 3 + 3)]) }
            }
        }
        var input = ModelInput(coords: scene.coords, colors: scene.colors, normals: scene.normals,
                               features2D: useFeatures ? scene.features2D : [], superpoints: scene.superpoints,
                               superpointCount: scene.superpointCount, objectFeatures: objFeat, objectCenters: objCenter,
                               querySeeds: seeds, textEmbeddings: try embeddings.matrix(for: vocabulary))
        input.undistortedCoords = scene.undistortedCoords
        input.undistortedObjectCenters = objUndistorted
        if config.model.objectLabels, !kept.isEmpty {
            input.objectLabelEmbeddings = scene.objectLabelEmbeddings(rows: kept, embeddings: embeddings)
        }
        let semantic = sup.sceneGT && config.model.semanticClasses > 0 && !scene.superpointSemantics.isEmpty
            ? seeds.map { scene.superpointSemantics[Int($0)] } : nil
        // Supervision sets.
        let boxes = BoxMaker(scene: scene)
        let all = (0..<seeds.count).map { Int32($0) }
        var sets: [SupervisionSet] = []
        // The fused instances join the scene-level set, so that a query on an object the ground truth does not
        // cover is not also taught "no object" there.
        // With `ignoreUnexplained`, queries seeded where the views name an object that no scene-level target
        // covers are left out of the set instead of being taught "no object" there.
        let sceneRows = sup.ignoreUnexplained == true && !stages.isEmpty
            ? Self.explainedRows(seeds: seeds, unexplained: Self.unexplained(scene.views, covered: sceneTargets + fused,
                                                                              superpointCount: scene.superpointCount))
            : all
        if (!sceneTargets.isEmpty || !fused.isEmpty), !sceneRows.isEmpty {
            sets.append(SupervisionSet(rows: sceneRows, columns: nil, targets: (sceneTargets + fused).compactMap {
                boxes.target($0, columns: nil, labelOf: labelOf)
            }, kind: fused.isEmpty ? .scene : .fused))
        }
        if !pseudo.isEmpty {
            sets.append(SupervisionSet(rows: all, columns: nil, targets: pseudo.compactMap {
                boxes.target($0, columns: nil, labelOf: labelOf)
            }, kind: .pseudo))
        }
        for (v, kind) in views.map({ ($0, SupervisionKind.view) }) + trackedViews.map({ ($0, SupervisionKind.tracked) }) {
            // VIP truncates to the view; without it the view's labels supervise the whole scene prediction.
            let rows: [Int32], columns: [Int32]?
            if sup.vip {
                (rows, columns) = try viewShare(seeds: seeds, visible: v.visible, superpointCount: scene.superpointCount)
            } else {
                (rows, columns) = (all, nil)
            }
            guard !rows.isEmpty else { continue }
            sets.append(SupervisionSet(rows: rows, columns: columns, targets: v.instances.compactMap {
                boxes.target($0, columns: columns, labelOf: labelOf)
            }, kind: kind))
        }
        return StepBatch(input: input, vocabulary: vocabulary, sets: sets, semanticTargets: semantic)
    }
}

extension StepBatch {
    /// Each of `positives`' `count` nearest names that is not itself a positive, in the order of `positives`, each
    /// name once.
    static func hardNegatives(for positives: [String], count: Int, embeddings: TextEmbeddings) -> [String] {
        guard count > 0 else { return [] }
        let exclude = Set(positives)
        var out: [String] = [], seen: Set<String> = []
        for name in positives {
            for other in embeddings.nearest(to: name, count: count, excluding: exclude) where seen.insert(other).inserted {
                out.append(other)
            }
        }
        return out
    }

    /// The `candidates` of which less than half of the superpoints lie in `targets`' superpoints.
    static func uncovered(_ candidates: [InstanceTarget], by targets: [InstanceTarget]) -> [InstanceTarget] {
        let covered = Set(targets.flatMap(\.superpoints))
        return candidates.filter { c in 2 * c.superpoints.count(where: covered.contains) < c.superpoints.count }
    }

    /// The superpoints (a mask over `0..<superpointCount`) that the views name as part of an object in at least half
    /// of the views that see them, and that none of `covered` contains. Ids outside the range are skipped.
    static func unexplained(_ views: [ViewTargets], covered: [InstanceTarget], superpointCount: Int) -> [Bool] {
        var seen = [Int32](repeating: 0, count: superpointCount), named = seen
        for view in views {
            for s in view.visible where (0..<superpointCount).contains(Int(s)) { seen[Int(s)] += 1 }
            for s in Set(view.instances.flatMap(\.superpoints)) where (0..<superpointCount).contains(Int(s)) {
                named[Int(s)] += 1
            }
        }
        var out = (0..<superpointCount).map { named[$0] > 0 && 2 * named[$0] >= seen[$0] }
        for target in covered { for s in target.superpoints where (0..<superpointCount).contains(Int(s)) { out[Int(s)] = false } }
        return out
    }

    /// The query rows whose seed superpoint is not `unexplained`.
    static func explainedRows(seeds: [Int32], unexplained: [Bool]) -> [Int32] {
        seeds.indices.filter { q in
            let s = Int(seeds[q])
            return !(unexplained.indices.contains(s) && unexplained[s])
        }.map { Int32($0) }
    }
}

/// VIP (method §2, the ibsp branch's `ViewPartition`): the query rows whose seed superpoint is visible in the
/// view and the visible superpoint columns, both ascending.
func viewShare(seeds: [Int32], visible: [Int32], superpointCount: Int) throws -> (rows: [Int32], columns: [Int32]) {
    let visibility = SuperpointVisibility(offsets: [0, Int64(visible.count)], superpoints: visible)
    let partition = try ViewPartition(seeds: seeds, visibility: visibility, superpointCount: superpointCount)
    guard let view = partition.views.first else { return ([], []) }
    return (view.queries, view.superpoints)
}

/// Targets' boxes and column masks from a scene's (augmented) points.
struct BoxMaker {
    let scene: TrainScene
    let pointsOf: [[Int]]
    let extent: [Float]

    init(scene: TrainScene) {
        self.scene = scene
        var p = [[Int]](repeating: [], count: scene.superpointCount)
        for (i, s) in scene.superpoints.enumerated() { p[Int(s)].append(i) }
        pointsOf = p
        var lo: [Float] = [.infinity, .infinity, .infinity], hi: [Float] = [-.infinity, -.infinity, -.infinity]
        for i in 0..<scene.pointCount { for a in 0..<3 { lo[a] = min(lo[a], scene.coords[i * 3 + a]); hi[a] = max(hi[a], scene.coords[i * 3 + a]) } }
        extent = (0..<3).map { max(hi[$0] - lo[$0], 1e-3) }
    }

    /// The target over `columns` (nil: all superpoints), or nil if its name is not in the vocabulary.
    func target(_ t: InstanceTarget, columns: [Int32]?, labelOf: [String: Int]) -> MatchTarget? {
        guard let label = labelOf[t.name] else { return nil }
        let members = Set(t.superpoints)
        let cols = columns ?? (0..<scene.superpointCount).map { Int32($0) }
        let mask = cols.map { members.contains($0) ? Float(1) : 0 }
        var lo: [Float] = [.infinity, .infinity, .infinity], hi: [Float] = [-.infinity, -.infinity, -.infinity]
        for s in t.superpoints { for i in pointsOf[Int(s)] { for a in 0..<3 {
            lo[a] = min(lo[a], scene.coords[i * 3 + a]); hi[a] = max(hi[a], scene.coords[i * 3 + a])
        } } }
        guard lo[0].isFinite else { return nil }
        let center = (0..<3).map { (lo[$0] + hi[$0]) / 2 }
        let size = (0..<3).map { min(max((hi[$0] - lo[$0]) / extent[$0], 1e-3), 1 - 1e-3) }
        return MatchTarget(mask: mask, label: label, center: center, size: size, superpoints: members)
    }
}
