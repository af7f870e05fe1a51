import Foundation

/// A learning rate as a function of the step (0-based).
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Double
}

/// Polynomial decay `(base − minimum)·(1 − t/T)^power + minimum`, t clamped to T (mmengine `PolyLR`, power 0.9).
public struct PolyLR: LearningRateSchedule {
    public var base: Double
    public var totalSteps: Int
    public var power: Double
    public var minimum: Double

    public init(base: Double, totalSteps: Int, power: Double = 0.9, minimum: Double = 0) {
        self.base = base
        self.totalSteps = totalSteps
        self.power = power
        self.minimum = minimum
    }

    public func learningRate(at step: Int) -> Double {
        let t = Double(Swift.min(Swift.max(step, 0), totalSteps)) / Double(Swift.max(totalSteps, 1))
        return (base - minimum) * Foundation.pow(1 - t, power) + minimum
    }
}

/// Cosine annealing `minimum + (base − minimum)·(1 + cos(π·t/T))/2`, t clamped to T.
public struct CosineLR: LearningRateSchedule {
    public var base: Double
    public var totalSteps: Int
    public var minimum: Double

    public init(base: Double, totalSteps: Int, minimum: Double = 0) {
        self.base = base
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(at step: Int) -> Double {
        let t = Double(Swift.min(Swift.max(step, 0), totalSteps)) / Double(Swift.max(totalSteps, 1))
        return minimum + (base - minimum) * (1 + Foundation.cos(Double.pi * t)) / 2
    }
}
