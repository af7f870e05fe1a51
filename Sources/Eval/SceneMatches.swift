import Foundation

/// One predicted instance after its overlaps with the ground truth were counted.
public struct PredictedInstance: Sendable, Equatable {
    /// Position of its class in `EvaluationOptions.classes`.
    public var classIndex: Int
    /// The prediction's score; higher ranks first.
    public var confidence: Double
    /// Number of points in the mask.
    public var pointCount: Int
    /// Points of the mask on void ground truth (unannotated or of a class not evaluated).
    public var voidIntersection: Int
    /// Overlaps with ground-truth instances **of the same class**, ascending instance index; only
    /// non-zero intersections are listed.
    public var overlaps: [Overlap]

    /// The intersection of a prediction with one ground-truth instance.
    public struct Overlap: Sendable, Equatable {
        /// Index into `SceneMatches.groundTruth`.
        public var groundTruth: Int
        /// Number of shared points, > 0.
        public var intersection: Int
    }
}

/// Ground truth and predictions of one scene with all pairwise intersections counted: the input of
/// the matching step (`InstanceEvaluator`).
///
/// Invariants: predictions keep the order of the prediction file (the benchmark's greedy matching
/// visits them in that order); only predictions of evaluated classes with at least `minRegionSize`
/// points are kept; ground-truth instances are all instances of evaluated classes (small ones too,
/// because predictions overlapping them are not counted as false positives).
public struct SceneMatches: Sendable {
    public var name: String
    public var groundTruth: [GroundTruthInstance]
    public var predictions: [PredictedInstance]
    /// The prediction folder has no file for this ground-truth scene: its instances all count as missed.
    public var withoutPredictionFile = false

    public init(name: String, groundTruth: [GroundTruthInstance], predictions: [PredictedInstance]) {
        self.name = name
        self.groundTruth = groundTruth
        self.predictions = predictions
    }
}

/// Builds `SceneMatches` one prediction at a time, counting intersections in a single pass over each
/// mask's points.
public struct SceneMatchBuilder: Sendable {
    public let name: String
    public let groundTruth: SceneGroundTruth
    public let minRegionSize: Int
    public private(set) var predictions: [PredictedInstance] = []
    private var counts: [Int]

    public init(name: String, groundTruth: SceneGroundTruth, minRegionSize: Int) {
        self.name = name
        self.groundTruth = groundTruth
        self.minRegionSize = minRegionSize
        self.counts = [Int](repeating: 0, count: groundTruth.instances.count)
    }

    /// Adds one prediction given as the indices of its points (each in 0..<pointCount, no repeats).
    /// Masks under `minRegionSize` points are dropped, as the benchmark does.
    /// - Returns: whether the prediction was kept.
    @discardableResult
    public mutating func add(classIndex: Int, confidence: Double, points: [Int32]) -> Bool {
        // Empty masks are dropped even with minRegionSize 0: their ignored share would be 0/0.
        if points.count < max(minRegionSize, 1) { return false }
        let instanceOfPoint = groundTruth.instanceOfPoint
        var void = 0
        instanceOfPoint.withUnsafeBufferPointer { owner in
            counts.withUnsafeMutableBufferPointer { counts in
                for p in points {
                    let g = Int(owner[Int(p)])
                    if g < 0 { void += 1 } else { counts[g] += 1 }
                }
            }
        }
        var overlaps: [PredictedInstance.Overlap] = []
        for g in counts.indices where counts[g] > 0 {
            if groundTruth.instances[g].classIndex == classIndex {
                overlaps.append(.init(groundTruth: g, intersection: counts[g]))
            }
            counts[g] = 0
        }
        predictions.append(PredictedInstance(classIndex: classIndex, confidence: confidence, pointCount: points.count,
                                             voidIntersection: void, overlaps: overlaps))
        return true
    }

    /// The finished scene.
    public var matches: SceneMatches {
        SceneMatches(name: name, groundTruth: groundTruth.instances, predictions: predictions)
    }
}
