import SceneIO

/// The tracked masks of one scene: each detection's track, and per track its record and pseudo-instance.
public struct TrackedScene: Sendable, Equatable {
    /// Per detection of `TrackInputs.detections`: its track, or −1 (removed as redundant, or unmatched in a
    /// non-keyframe view).
    public var detectionTrack: [Int]
    public var tracks: [TrackRecord]
    /// Per track: its pseudo-instance's ascending superpoints (empty when it made none); disjoint.
    public var instances: [[Int32]]
    public var keyframes = 0
    public var removedRedundant = 0
    public var merges = 0
    public var dormantRevivals = 0
    public var terminated = 0
}

/// Granularity-consistent tracking of lifted 2D masks through the video, in 3D (the tracking scheme of the seed
/// paper "Class-agnostic 3D Segmentation by Granularity-Consistent Automatic 2D Mask Tracking", described in
/// /work/shared/seeds, with the video network replaced by the reconstruction's correspondences):
///
/// 1. Redundant masks: in every view, a mask whose containment rate (intersection over the smaller mask, over the
///    view's observed points) with a larger kept mask reaches `containment` is removed (the larger one stays, so
///    objects are kept at object granularity rather than as parts).
/// 2. At each keyframe (every `stride`-th view) every live track's 3D support (the superpoints of the masks it was
///    matched to at its latest matching keyframe) is propagated: what of it the keyframe observes through C. A track is *observed* when `visibleShare`
///    of its support's points are visible. Observed tracks and the keyframe's masks are matched one-to-one greedily
///    by descending IoU over the keyframe's observed points (ties: older track, then lower mask), IoU ≥ `iou`.
/// 3. An unmatched mask inside an observed track's propagated support (containment ≥ `containment`) joins that
///    track (a part of an object seen whole before); otherwise it starts a new active track. An unmatched observed
///    track inside a matched mask counts one view for joining that mask's track (parts seen whole now); two tracks
///    matched in the same keyframe count one view against joining them. Other unmatched observed tracks miss: they
///    become dormant, and are terminated after `patience` consecutive misses; a dormant track that matches again
///    is revived with its id. Tracks a keyframe does not observe keep their state.
/// 4. After the last keyframe, tracks with more views for joining than against are merged (`MergeEvidence`), so
///    a single under-segmenting view does not fuse two objects that other views keep apart.
/// 5. Masks of non-keyframe views are matched to the finished tracks the same way, without changing them.
/// 6. Each track becomes a pseudo-instance (`MaskTracker.instances`).
/// Everything is a function of the inputs and thresholds alone.
public enum MaskTracker {
    enum State: Equatable { case active, dormant, terminated }

    struct Track {
        /// Superpoint → number of matched masks containing it (every view).
        var support: [Int32: Int] = [:]
        /// The superpoints of the masks matched at the latest keyframe that matched the track: what is propagated
        /// to the next keyframe (the paper propagates the previous frame's mask, not the union of all of them, so
        /// a mask that once bridged two objects does not keep pulling the second one in).
        var current: Set<Int32> = []
        var currentView = -1
        var members: [Int] = []
        var state = State.active
        var misses = 0

        mutating func absorb(_ detection: Int, _ superpoints: [Int32], view: Int) {
            members.append(detection)
            for s in superpoints { support[s, default: 0] += 1 }
            if view != currentView {
                current = []
                currentView = view
            }
            current.formUnion(superpoints)
        }
    }

    /// Tracks the detections of `inputs`.
    public static func track(_ inputs: TrackInputs, thresholds t: TrackThresholds) -> TrackedScene {
        let detections = inputs.detections, sizes = inputs.pointsPerSuperpoint
        var byView = [[Int]](repeating: [], count: inputs.viewCount)
        for (d, detection) in detections.enumerated() { byView[detection.view].append(d) }
        var weight = [Int](repeating: 0, count: inputs.superpointCount)
        var removed = [Bool](repeating: false, count: detections.count)
        var tracks: [Track] = [], evidence = MergeEvidence()
        var out = TrackedScene(detectionTrack: [], tracks: [], instances: [])
        let keyframes = Set(stride(from: 0, to: inputs.viewCount, by: t.stride))
        out.keyframes = keyframes.count
        func fill(_ v: Int, _ value: (Int32) -> Int) {
            for i in inputs.observed(view: v) { weight[Int(inputs.observedSuperpoints[i])] = value(inputs.observedPoints[i]) }
        }
        for v in 0..<inputs.viewCount {
            fill(v) { Int($0) }
            defer { fill(v) { _ in 0 } }
            let kept = removeRedundant(byView[v], detections: detections, weight: weight, containment: t.containment)
            for d in byView[v] where !kept.contains(d) { removed[d] = true }
            out.removedRedundant += byView[v].count - kept.count
            guard keyframes.contains(v) else { continue }
            // Propagation: the observed live tracks and their observed support weight.
            var observed: [(track: Int, points: Int)] = []
            for (k, track) in tracks.enumerated() where track.state == .active || track.state == .dormant {
                var all = 0, visible = 0, points = 0
                for s in track.current {
                    all += sizes[Int(s)]
                    if weight[Int(s)] > 0 { visible += sizes[Int(s)]; points += weight[Int(s)] }
                }
                if points > 0, Double(visible) >= t.visibleShare * Double(all) { observed.append((k, points)) }
            }
            let massOf = kept.map { detections[$0].superpoints.reduce(0) { $0 + weight[Int($1)] } }
            // inter[i][j]: observed points of track observed[i] inside kept mask j.
            let inter = observed.map { o in kept.map { d in
                detections[d].superpoints.reduce(0) { tracks[o.track].current.contains($1) ? $0 + weight[Int($1)] : $0 }
            } }
            var pairs: [(iou: Double, i: Int, j: Int)] = []
            for i in observed.indices {
                for j in kept.indices where inter[i][j] > 0 {
                    let iou = Double(inter[i][j]) / Double(observed[i].points + massOf[j] - inter[i][j])
                    if iou >= t.iou { pairs.append((iou, i, j)) }
                }
            }
            pairs.sort { $0.iou != $1.iou ? $0.iou > $1.iou : ($0.i != $1.i ? $0.i < $1.i : $0.j < $1.j) }
            var trackOfMask = [Int](repeating: -1, count: kept.count), hit = [Bool](repeating: false, count: observed.count)
            for pair in pairs where trackOfMask[pair.j] < 0 && !hit[pair.i] {
                trackOfMask[pair.j] = observed[pair.i].track
                hit[pair.i] = true
            }
            // Unmatched masks join the track that contains them, or start one.
            for j in kept.indices where trackOfMask[j] < 0 {
                let best = observed.indices.filter { massOf[j] > 0 && Double(inter[$0][j]) >= t.containment * Double(massOf[j]) }
                    .max { inter[$0][j] != inter[$1][j] ? inter[$0][j] < inter[$1][j] : $0 > $1 }
                if let best {
                    trackOfMask[j] = observed[best].track
                    hit[best] = true
                    out.merges += 1
                } else {
                    trackOfMask[j] = tracks.count
                    tracks.append(Track())
                }
            }
            for j in kept.indices {
                let k = trackOfMask[j]
                if tracks[k].state == .dormant { out.dormantRevivals += 1 }
                tracks[k].state = .active
                tracks[k].misses = 0
                tracks[k].absorb(kept[j], detections[kept[j]].superpoints, view: v)
            }
            // Tracks matched in this keyframe were told apart by the 2D model; an unmatched observed track inside a
            // matched mask was seen as part of that mask's track; other unmatched observed tracks miss.
            let matched = observed.indices.filter { hit[$0] }.map { observed[$0].track }
            for (x, a) in matched.enumerated() { for b in matched[(x + 1)...] { evidence.apart[TrackPair(a, b), default: 0] += 1 } }
            for i in observed.indices where !hit[i] {
                let k = observed[i].track
                let best = kept.indices.filter { Double(inter[i][$0]) >= t.containment * Double(observed[i].points) }
                    .max { inter[i][$0] != inter[i][$1] ? inter[i][$0] < inter[i][$1] : $0 > $1 }
                if let best {
                    evidence.together[TrackPair(k, trackOfMask[best]), default: 0] += 1
                    tracks[k].misses = 0
                } else {
                    tracks[k].misses += 1
                    tracks[k].state = tracks[k].misses >= t.patience ? .terminated : .dormant
                    if tracks[k].state == .terminated { out.terminated += 1 }
                }
            }
        }
        let groups = evidence.groups(trackCount: tracks.count)
        out.merges += tracks.count - groups.count
        let finished = groups.map { group in
            group.dropFirst().reduce(into: tracks[group[0]]) { merged, k in
                merged.members += tracks[k].members
                for (s, c) in tracks[k].support { merged.support[s, default: 0] += c }
            }
        }
        var detectionTrack = [Int](repeating: -1, count: detections.count)
        for (n, track) in finished.enumerated() { for d in track.members { detectionTrack[d] = n } }
        for v in 0..<inputs.viewCount where !keyframes.contains(v) {
            fill(v) { Int($0) }
            let candidates = byView[v].filter { !removed[$0] }
            for (d, n) in assign(candidates, to: finished, detections: detections, weight: weight, iou: t.iou) { detectionTrack[d] = n }
            fill(v) { _ in 0 }
        }
        out.detectionTrack = detectionTrack
        let made = instances(members: finished.map { $0.members.sorted() }, inputs: inputs, thresholds: t)
        out.tracks = made.records
        out.instances = made.superpoints
        return out
    }

    /// The masks of one view kept by the containment rule (step 1), in descending observed size (ties: higher
    /// score, then lower index).
    static func removeRedundant(_ masks: [Int], detections: [TrackInputs.Detection], weight: [Int], containment: Double) -> [Int] {
        let mass = Dictionary(uniqueKeysWithValues: masks.map { d in (d, detections[d].superpoints.reduce(0) { $0 + weight[Int($1)] }) })
        let order = masks.sorted {
            let a = mass[$0] ?? 0, b = mass[$1] ?? 0
            if a != b { return a > b }
            if detections[$0].score != detections[$1].score { return detections[$0].score > detections[$1].score }
            return $0 < $1
        }
        var kept: [Int] = []
        for d in order {
            let own = Set(detections[d].superpoints), small = mass[d] ?? 0
            let redundant = small > 0 && kept.contains { k in
                let shared = detections[k].superpoints.reduce(0) { own.contains($1) ? $0 + weight[Int($1)] : $0 }
                return Double(shared) >= containment * Double(min(small, mass[k] ?? 0))
            }
            if !redundant { kept.append(d) }
        }
        return kept.sorted()
    }

    /// One-to-one greedy IoU matching of a view's masks to finished tracks (step 4): (mask, track) pairs.
    static func assign(_ masks: [Int], to tracks: [Track], detections: [TrackInputs.Detection], weight: [Int],
                       iou threshold: Double) -> [(Int, Int)] {
        var pairs: [(iou: Double, d: Int, n: Int)] = []
        for (n, track) in tracks.enumerated() {
            let points = track.support.keys.reduce(0) { $0 + weight[Int($1)] }
            guard points > 0 else { continue }
            for d in masks {
                var inter = 0, mass = 0
                for s in detections[d].superpoints {
                    mass += weight[Int(s)]
                    if track.support[s] != nil { inter += weight[Int(s)] }
                }
                guard inter > 0 else { continue }
                let iou = Double(inter) / Double(points + mass - inter)
                if iou >= threshold { pairs.append((iou, d, n)) }
            }
        }
        pairs.sort { $0.iou != $1.iou ? $0.iou > $1.iou : ($0.n != $1.n ? $0.n < $1.n : $0.d < $1.d) }
        var usedMask = Set<Int>(), usedTrack = Set<Int>(), out: [(Int, Int)] = []
        for pair in pairs where !usedMask.contains(pair.d) && !usedTrack.contains(pair.n) {
            usedMask.insert(pair.d)
            usedTrack.insert(pair.n)
            out.append((pair.d, pair.n))
        }
        return out
    }
}
