import IBSp

/// Training-free fusion of view-level masks into 3D instances by view consensus (the rule of MaskClustering,
/// here on superpoints weighted by their point counts).
///
/// 1. For every mask a and view w: a is *observed* by w when at least `visibleShare` of a's points lie in
///    superpoints w sees; an observed a is *contained* in w's mask m when m covers at least `containShare` of a's
///    points that w sees (at most one such m when lift's majority is ≥ 0.5, since a view's masks are disjoint).
/// 2. Two masks a, b of different views that share a superpoint are connected when at least `minObservers` views
///    observe both and, of those, at least `consensus` put both in the same mask. A view that observes both but
///    splits them (or covers neither) votes against; a view that does not observe both does not vote, so
///    occlusion and the camera's field of view do not count against a merge.
/// 3. Connected components are the clusters. A cluster's instance is the union of its masks' superpoints minus
///    those that fewer than `supportShare` of the member views seeing them put in their member mask.
///    Clusters from fewer than `minViews` distinct views are dropped.
/// 4. Output masks are disjoint: a superpoint claimed by several instances stays with the one whose member views
///    support it most (share, then instance score, then cluster order). Instances under `minPoints` are dropped.
/// 5. Label: the score-weighted vote of the members' labels (ties: the smaller string). Score: the mean 2D score
///    of the members times the view support, distinct member views / views observing the instance (≤ 1).
/// Output is ordered by descending score (ties: cluster order), and is a function of the inputs alone.
public enum ViewConsensus {
    /// The fused instances of one scene.
    public static func fuse(_ inputs: FuseInputs, thresholds t: FuseThresholds = FuseThresholds()) -> [FusedInstance] {
        let masks = inputs.masks, weights = inputs.pointsPerSuperpoint
        let m = masks.count, v = inputs.viewCount
        let state = observations(inputs, thresholds: t)
        // Candidate pairs share a superpoint; each pair is looked at once, from its lower index.
        var masksOf = [[Int32]](repeating: [], count: inputs.superpointCount)
        for (a, mask) in masks.enumerated() { for s in mask.superpoints { masksOf[Int(s)].append(Int32(a)) } }
        var components = DisjointSets(count: m)
        var lastSeen = [Int](repeating: -1, count: m)
        for a in 0..<m {
            for s in masks[a].superpoints {
                for bb in masksOf[Int(s)] {
                    let b = Int(bb)
                    guard b > a, lastSeen[b] != a, masks[b].view != masks[a].view else { continue }
                    lastSeen[b] = a
                    var observers = 0, supporters = 0
                    for w in 0..<v {
                        let x = state[a * v + w], y = state[b * v + w]
                        guard x != notObserved, y != notObserved else { continue }
                        observers += 1
                        if x >= 0, x == y { supporters += 1 }
                    }
                    if observers >= t.minObservers, Double(supporters) >= t.consensus * Double(observers) {
                        let ra = components.find(Int32(a)), rb = components.find(Int32(b))
                        if ra != rb { _ = components.join(ra, rb) }
                    }
                }
            }
        }
        var clusters: [[Int]] = []
        var clusterOfRoot: [Int32: Int] = [:]
        for a in 0..<m {
            let root = components.find(Int32(a))
            if let c = clusterOfRoot[root] { clusters[c].append(a) } else {
                clusterOfRoot[root] = clusters.count
                clusters.append([a])
            }
        }
        var candidates = clusters.compactMap { instance(members: $0, inputs: inputs, thresholds: t) }
        // Disjoint masks: each superpoint goes to the candidate that supports it most.
        var owner = [Int](repeating: -1, count: inputs.superpointCount)
        var ownerShare = [Double](repeating: 0, count: inputs.superpointCount)
        for (k, c) in candidates.enumerated() {
            for (s, share) in zip(c.instance.superpoints, c.shares) {
                let j = owner[Int(s)]
                if j < 0 || share > ownerShare[Int(s)] || (share == ownerShare[Int(s)] && c.instance.score > candidates[j].instance.score) {
                    owner[Int(s)] = k
                    ownerShare[Int(s)] = share
                }
            }
        }
        for k in candidates.indices {
            candidates[k].instance.superpoints = candidates[k].instance.superpoints.filter { owner[Int($0)] == k }
        }
        let kept = candidates.map(\.instance).filter { instance in
            instance.superpoints.reduce(0) { $0 + weights[Int($1)] } >= t.minPoints
        }
        return kept.enumerated().sorted {
            $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
        }.map(\.element)
    }

    static let notObserved: Int32 = -2

    /// `[M × V]`: `notObserved`, −1 (observed, not contained in one mask of the view) or the containing mask.
    static func observations(_ inputs: FuseInputs, thresholds t: FuseThresholds) -> [Int32] {
        let masks = inputs.masks, weights = inputs.pointsPerSuperpoint
        let m = masks.count, v = inputs.viewCount
        let maskPoints = masks.map { $0.superpoints.reduce(0) { $0 + weights[Int($1)] } }
        var masksOfView = [[Int]](repeating: [], count: v)
        for (a, mask) in masks.enumerated() { masksOfView[mask.view].append(a) }
        var state = [Int32](repeating: notObserved, count: m * v)
        var visible = [Bool](repeating: false, count: inputs.superpointCount)
        var owner = [Int32](repeating: -1, count: inputs.superpointCount)
        for w in 0..<v {
            let seen = inputs.visibility.superpoints(in: w)
            for s in seen { visible[Int(s)] = true }
            for a in masksOfView[w] { for s in masks[a].superpoints where owner[Int(s)] < 0 { owner[Int(s)] = Int32(a) } }
            var tally: [(mask: Int32, points: Int)] = []
            for a in 0..<m where maskPoints[a] > 0 {
                var visiblePoints = 0
                tally.removeAll(keepingCapacity: true)
                for s in masks[a].superpoints where visible[Int(s)] {
                    let p = weights[Int(s)]
                    visiblePoints += p
                    let o = owner[Int(s)]
                    guard o >= 0 else { continue }
                    if let i = tally.firstIndex(where: { $0.mask == o }) { tally[i].points += p } else { tally.append((o, p)) }
                }
                guard visiblePoints > 0, Double(visiblePoints) >= t.visibleShare * Double(maskPoints[a]) else { continue }
                let best = tally.max { $0.points != $1.points ? $0.points < $1.points : $0.mask > $1.mask }
                if let best, Double(best.points) >= t.containShare * Double(visiblePoints) {
                    state[a * v + w] = best.mask
                } else {
                    state[a * v + w] = -1
                }
            }
            for s in seen { visible[Int(s)] = false }
            for a in masksOfView[w] { for s in masks[a].superpoints { owner[Int(s)] = -1 } }
        }
        return state
    }

    /// A cluster's instance before the disjointness pass, with each kept superpoint's support share; nil when the
    /// cluster spans fewer than `minViews` views or keeps no superpoint.
    static func instance(members: [Int], inputs: FuseInputs,
                         thresholds t: FuseThresholds) -> (instance: FusedInstance, shares: [Double])? {
        let masks = inputs.masks, weights = inputs.pointsPerSuperpoint
        let views = Array(Set(members.map { masks[$0].view })).sorted()
        guard views.count >= t.minViews else { return nil }
        var support: [Int32: Int] = [:]
        for a in members { for s in masks[a].superpoints { support[s, default: 0] += 1 } }
        var kept: [Int32] = [], shares: [Double] = []
        for s in support.keys.sorted() {
            let supporting = support[s] ?? 0
            let seeing = max(supporting, views.filter { inputs.visibility.sees(view: $0, superpoint: s) }.count)
            let share = Double(supporting) / Double(seeing)
            if share >= t.supportShare {
                kept.append(s)
                shares.append(share)
            }
        }
        guard !kept.isEmpty else { return nil }
        var votes: [String: Double] = [:]
        for a in members { votes[masks[a].label, default: 0] += masks[a].score }
        let label = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? ""
        let meanScore = members.reduce(0.0) { $0 + masks[$1].score } / Double(members.count)
        let points = kept.reduce(0) { $0 + weights[Int($1)] }
        var observing = 0
        for w in 0..<inputs.viewCount {
            let visiblePoints = kept.reduce(0) { inputs.visibility.sees(view: w, superpoint: $1) ? $0 + weights[Int($1)] : $0 }
            if visiblePoints > 0, Double(visiblePoints) >= t.visibleShare * Double(points) { observing += 1 }
        }
        let viewSupport = min(1, Double(views.count) / Double(max(observing, 1)))
        return (FusedInstance(label: label, score: meanScore * viewSupport, superpoints: kept, members: members,
                              memberViews: views.count), shares)
    }
}

extension SuperpointVisibility {
    /// Whether view `v` sees superpoint `s` (binary search in the view's ascending row).
    func sees(view v: Int, superpoint s: Int32) -> Bool {
        var lo = Int(offsets[v]), hi = Int(offsets[v + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if superpoints[mid] < s { lo = mid + 1 } else { hi = mid }
        }
        return lo < Int(offsets[v + 1]) && superpoints[lo] == s
    }
}
