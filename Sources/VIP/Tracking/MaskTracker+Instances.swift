import SceneIO

extension MaskTracker {
    /// Scene-level class-agnostic pseudo-instances, one per track (step 5):
    /// - a track matched in fewer than `minViews` distinct views makes none;
    /// - superpoint s is kept when, of the track's views that observe s, at least `supportShare` put s in the
    ///   track's mask of that view;
    /// - instances are made disjoint (s stays with the track whose views support it most; ties: higher score, then
    ///   older track) and those under `minPoints` points are dropped;
    /// - score: mean 2D score of the members × view support (the track's views / views observing the instance, ≤ 1);
    /// - votes: label → summed 2D score of the members (negative 2D scores count as 0, as in the score).
    static func instances(members: [[Int]], inputs: TrackInputs,
                          thresholds t: TrackThresholds) -> (records: [TrackRecord], superpoints: [[Int32]]) {
        let detections = inputs.detections, sizes = inputs.pointsPerSuperpoint, s = inputs.superpointCount
        var records: [TrackRecord] = [], candidates: [[Int32]] = [], shares: [[Double]] = [], meanScores: [Double] = []
        for group in members {
            var votes: [String: Double] = [:]
            for d in group { votes[detections[d].label, default: 0] += max(0, detections[d].score) }
            let views = Array(Set(group.map { detections[$0].view })).sorted()
            records.append(TrackRecord(score: 0, votes: votes, views: views))
            meanScores.append(group.isEmpty ? 0 : group.reduce(0.0) { $0 + detections[$1].score } / Double(group.count))
            guard views.count >= t.minViews else {
                candidates.append([])
                shares.append([])
                continue
            }
            var containing: [Int32: Set<Int>] = [:]
            for d in group { for sp in detections[d].superpoints { containing[sp, default: []].insert(detections[d].view) } }
            var kept: [Int32] = [], keptShares: [Double] = []
            for sp in containing.keys.sorted() {
                let inMask = containing[sp]?.count ?? 0
                let seeing = max(inMask, views.filter { inputs.observes(view: $0, superpoint: sp) }.count)
                let share = Double(inMask) / Double(seeing)
                if share >= t.supportShare {
                    kept.append(sp)
                    keptShares.append(share)
                }
            }
            candidates.append(kept)
            shares.append(keptShares)
        }
        // Disjoint: each superpoint to the track that supports it most.
        var owner = [Int](repeating: -1, count: s), ownerShare = [Double](repeating: 0, count: s)
        for (k, kept) in candidates.enumerated() {
            for (sp, share) in zip(kept, shares[k]) {
                let j = owner[Int(sp)]
                if j < 0 || share > ownerShare[Int(sp)] || (share == ownerShare[Int(sp)] && meanScores[k] > meanScores[j]) {
                    owner[Int(sp)] = k
                    ownerShare[Int(sp)] = share
                }
            }
        }
        var superpoints = candidates.enumerated().map { k, kept in kept.filter { owner[Int($0)] == k } }
        for k in superpoints.indices where superpoints[k].reduce(0, { $0 + sizes[Int($1)] }) < t.minPoints {
            superpoints[k] = []
        }
        // View support: views that observe `visibleShare` of the instance's points.
        var instanceOf = [Int](repeating: -1, count: s)
        for (k, kept) in superpoints.enumerated() { for sp in kept { instanceOf[Int(sp)] = k } }
        let points = superpoints.map { $0.reduce(0) { $0 + sizes[Int($1)] } }
        var observing = [Int](repeating: 0, count: superpoints.count), visible: [Int: Int] = [:]
        for v in 0..<inputs.viewCount {
            visible.removeAll(keepingCapacity: true)
            for i in inputs.observed(view: v) {
                let sp = Int(inputs.observedSuperpoints[i])
                if instanceOf[sp] >= 0 { visible[instanceOf[sp], default: 0] += sizes[sp] }
            }
            for (k, p) in visible where Double(p) >= t.visibleShare * Double(points[k]) { observing[k] += 1 }
        }
        for k in records.indices where !superpoints[k].isEmpty {
            let support = min(1, Double(records[k].views.count) / Double(max(observing[k], 1)))
            records[k].score = max(0, meanScores[k] * support)
        }
        return (records, superpoints)
    }
}

extension TrackInputs {
    /// Whether view `v` observes superpoint `s` (binary search in the view's ascending row).
    func observes(view v: Int, superpoint s: Int32) -> Bool {
        var lo = Int(observedOffsets[v]), hi = Int(observedOffsets[v + 1])
        let end = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if observedSuperpoints[mid] < s { lo = mid + 1 } else { hi = mid }
        }
        return lo < end && observedSuperpoints[lo] == s
    }
}
