/// Fault rates and feature settings of the simulated open-vocabulary 2D model.
public struct Simulated2DOptions: Codable, Sendable, Equatable {
    /// Channels C of image-level and object-level features.
    public var featureChannels: Int = 16
    /// Image-level features are 1/stride of the image size.
    public var featureStride: Int = 8
    /// Standard deviation of the per-value feature noise (embeddings have unit norm). At 0.3 with
    /// C = 16 about half of the feature cells lie nearest to their true class: semantic, not an answer key.
    public var featureNoise: Float = 0.3
    /// Amplitude in pixels (at 640 px width; scaled with the width) of the smooth boundary displacement field.
    public var boundaryJitter: Double = 1.5
    /// Probability that a visible object is not detected at all.
    public var missRate: Double = 0.05
    /// Miss probability for objects smaller than `smallAreaFraction` of the image.
    public var smallMissRate: Double = 0.5
    public var smallAreaFraction: Double = 0.002
    /// Miss probability for objects of which less than `occludedVisibleFraction` of the silhouette is visible.
    public var occludedMissRate: Double = 0.3
    public var occludedVisibleFraction: Double = 0.4
    /// Mean number of false detections per frame (Poisson).
    public var falsePositivesPerFrame: Double = 0.3
    /// Probability that an eligible adjacent pair of detected objects comes out as one mask.
    public var mergeRate: Double = 0.08
    /// Probability that a detected object with ≥ 2 visible parts comes out as its parts (granularity drawn per frame).
    public var splitRate: Double = 0.12
    /// Probability that a detection's label is replaced by a near-synonym or confusable class.
    public var labelNoiseRate: Double = 0.12
    /// Probability that a detection is named in free form (a synonym, an attribute, a plural or case variant from
    /// `FreeFormNames`) instead of its class name; nil (the default, and every preset) leaves names and the
    /// random stream exactly as before.
    public var freeFormRate: Double? = nil
    /// Zero-shot split: novel categories the 2D model does not know at all. Their objects are missed (half of them)
    /// or named as another, known class, so neither a 2D label nor (being novel) 3D ground truth ever reaches
    /// training; only the text space can find them. nil (the default) changes nothing.
    public var heldOutCategories: [String]? = nil
    /// Share of objects whose faults (miss, label confusion, merge with a neighbour, split seams) are drawn once per
    /// video instead of per frame, as a real 2D model errs alike from nearby viewpoints (`ObjectFaults`). nil (the
    /// default, and every preset) redraws every fault per frame and leaves the random stream exactly as before.
    public var viewConsistency: Double? = nil
    /// Smallest mask in pixels, as a fraction of the image area (at least 4 pixels).
    public var minAreaFraction: Double = 0.0004
    /// Shared boundary, in pixels, for two objects to count as adjacent (merge candidates).
    public var minSharedBoundary: Int = 4
    public init() {}

    /// All faults off: masks equal the ground truth (tests and ablations).
    public static var perfect: Simulated2DOptions {
        var o = Simulated2DOptions()
        o.boundaryJitter = 0; o.missRate = 0; o.smallMissRate = 0; o.occludedMissRate = 0
        o.falsePositivesPerFrame = 0; o.mergeRate = 0; o.splitRate = 0; o.labelNoiseRate = 0
        return o
    }

    func minPixels(width: Int, height: Int) -> Int { max(4, Int(minAreaFraction * Double(width * height))) }
}
