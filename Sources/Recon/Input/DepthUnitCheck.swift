import Foundation
import SceneIO

/// Why a frame was dropped (the keys of `ReconSummary.framesDropped`).
enum FrameSkipReason: String {
    /// Too few valid depth pixels (`input.minValidDepthFraction`).
    case noDepth = "no_depth"
    /// The pose the mode needs is missing or non-finite.
    case noPose = "no_pose"
}

extension ReconSummary {
    /// Counts a dropped frame and names it: the file behind the reason and the input's frame number.
    mutating func skip(source: any RGBDSource, index: Int, reason: FrameSkipReason) {
        framesDropped[reason.rawValue, default: 0] += 1
        let file: String, why: String
        switch reason {
        case .noDepth:
            file = source.colorPath(of: index)
            why = "too few valid depth pixels"
        case .noPose:
            file = source.poseFile(of: index) ?? source.colorPath(of: index)
            why = "no finite device pose"
        }
        skippedFrames.append(SkippedFrame(frame: index, file: file, reason: why))
    }
}

/// The first frame's median depth must be a room's: a depth scale off by a factor (0.1 mm units read as
/// millimetres, millimetres read as TUM's 1/5000 m) otherwise fuses an empty or 60 m room without complaint.
enum DepthUnitCheck {
    /// No indoor RGB-D sensor reports a median depth beyond this (metres).
    static let maxMedianMetres = 15.0
    /// Nor one below this (metres).
    static let minMedianMetres = 0.05

    static func check(_ frame: RGBDFrame, source: any RGBDSource, index: Int, depthScale: Double) throws(ReconError) {
        let valid = frame.depth.filter { $0 > 0 }
        guard valid.count >= 16 else { return }
        var sorted = valid
        sorted.sort()
        let median = Double(sorted[sorted.count / 2]) / depthScale
        guard median <= maxMedianMetres, median >= minMedianMetres else {
            throw .implausibleDepth(url: source.url.appendingPathComponent(source.colorPath(of: index)), frame: index,
                                    medianMetres: median, depthScale: depthScale)
        }
    }
}
