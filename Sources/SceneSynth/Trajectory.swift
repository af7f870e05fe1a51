import Foundation
import Geometry

/// Options of the handheld walk-through (metres, radians, seconds).
public struct CameraOptions: Codable, Sendable, Equatable {
    /// Frames per second of the video (timestamps in poses.txt); like a subsampled handheld video.
    public var fps: Double = 10
    /// Typical camera travel per frame in metres: the loop shrinks towards its centre until
    /// frames × stepPerFrame covers it once plus the revisit.
    public var stepPerFrame: Double = 0.05
    /// Height of the camera above the floor.
    public var eyeHeight: ClosedRange<Double> = 1.25...1.6
    /// Amplitude of the handheld shake in position (metres) and rotation (radians).
    public var shakeTranslation: Double = 0.008
    public var shakeRotation: Double = 0.012
    /// Fraction of waypoints moved next to an object, so the camera passes close to it.
    public var closePassFraction: Double = 0.35
    /// Fraction of the loop walked a second time at the end (revisits for loop closure), after returning to the start.
    public var revisitFraction: Double = 0.25
    /// Largest change of viewing direction between consecutive frames (radians): the head turns smoothly.
    public var maxTurnPerFrame: Double = 0.1
    public init() {}
}

/// A smooth handheld walk-through: a closed Catmull–Rom loop through walkable waypoints, looking at
/// objects, passing close to some, returning to the start and re-walking part of the loop.
public struct Trajectory: Sendable {
    /// `worldFromCamera` per frame (OpenCV camera axes).
    public let worldFromCamera: [RigidTransform]
    let poses: [SynthPose]
    /// Path length in metres.
    public let pathLength: Double

    static func generate(room: SynthRoom, frames: Int, options: CameraOptions, seed: UInt64) -> Trajectory {
        var rng = SynthRNG(seed: seed, stream: SynthStream.trajectory.rawValue)
        let cells = room.walkableCentres
        let centres = room.objectCentres
        let roomCentre = SIMD2<Double>(Double(room.size.x) / 2, Double(room.size.y) / 2)
        // Farthest-point waypoints over the walkable cells.
        let count = max(4, min(8, frames / 10 + 3))
        var waypoints: [SIMD2<Double>] = [cells.isEmpty ? roomCentre : rng.pick(cells)]
        while waypoints.count < count && cells.count > waypoints.count {
            var best = cells[0], bestD = -1.0
            for c in cells {
                let d = waypoints.map { simdLength2($0 - c) }.min() ?? 0
                if d > bestD { bestD = d; best = c }
            }
            waypoints.append(best)
        }
        waypoints.sort { atan2($0.y - roomCentre.y, $0.x - roomCentre.x) < atan2($1.y - roomCentre.y, $1.x - roomCentre.x) }
        // Shrink the loop so that the camera moves about stepPerFrame per frame.
        var loopLength = 0.0
        for i in waypoints.indices { loopLength += simdLength2(waypoints[(i + 1) % waypoints.count] - waypoints[i]) }
        let target = Double(frames) * options.stepPerFrame / (1 + options.revisitFraction)
        if loopLength > target, loopLength > 0 {
            let scale = max(0.25, target / loopLength)
            let centroid = waypoints.reduce(SIMD2<Double>.zero, +) / Double(waypoints.count)
            waypoints = waypoints.map { centroid + ($0 - centroid) * scale }
        }
        // Close passes: move some waypoints next to the object nearest to them (about 0.6 m away),
        // choosing a walkable cell that does not lengthen the loop much.
        if !centres.isEmpty && !cells.isEmpty {
            for i in waypoints.indices where rng.chance(options.closePassFraction) {
                let w = waypoints[i]
                guard let o = centres.min(by: { simdLength2(SIMD2($0.x, $0.y) - w) < simdLength2(SIMD2($1.x, $1.y) - w) })
                else { continue }
                let o2 = SIMD2<Double>(o.x, o.y)
                let cost = { (c: SIMD2<Double>) in abs(simdLength2(c - o2) - 0.6) + 0.3 * simdLength2(c - w) }
                if let near = cells.min(by: { cost($0) < cost($1) }) { waypoints[i] = near }
            }
        }
        // Look-at targets: per waypoint an object 0.8–3.5 m away when there is one.
        let targets: [SIMD3<Double>] = waypoints.map { p in
            let candidates = centres.filter { let d = simdLength2(SIMD2($0.x, $0.y) - p); return d > 0.8 && d < 3.5 }
            guard !candidates.isEmpty else { return SIMD3(roomCentre.x, roomCentre.y, 1.0) }
            var target = rng.pick(candidates)
            target.z = max(target.z, 0.6)   // people scan furniture at eye level or somewhat below, rarely the floor
            return target
        }
        let heights = waypoints.map { _ in rng.uniform(options.eyeHeight.lowerBound, options.eyeHeight.upperBound) }
        // Dense samples of the closed loop, then the revisit part.
        let n = waypoints.count
        var dense: [(SIMD3<Double>, SIMD3<Double>)] = []
        let steps = 60
        let loops = 1 + options.revisitFraction
        let totalSegments = Int((Double(n) * loops).rounded(.up))
        for s in 0..<totalSegments {
            for k in 0..<steps {
                let t = Double(k) / Double(steps)
                let i0 = (s - 1 + n) % n, i1 = s % n, i2 = (s + 1) % n, i3 = (s + 2) % n
                let p = catmullRom(waypoints[i0], waypoints[i1], waypoints[i2], waypoints[i3], t)
                let z = catmullRom1(heights[i0], heights[i1], heights[i2], heights[i3], t)
                let g = catmullRom3(targets[i0], targets[i1], targets[i2], targets[i3], t)
                dense.append((SIMD3(p.x, p.y, z), g))
            }
        }
        dense.append(dense[dense.count % (n * steps)])
        // Arc length and constant-speed frame sampling, with slow speed variation.
        var cumulative = [0.0]
        for i in 1..<dense.count { cumulative.append(cumulative[i - 1] + length(dense[i].0 - dense[i - 1].0)) }
        let total = cumulative.last ?? 0
        let phase = (rng.uniform(0, 6.28), rng.uniform(0, 6.28), rng.uniform(0, 6.28), rng.uniform(0, 6.28))
        let minZ = 0.9, maxZ = Double(room.size.z) - 0.3
        var poses: [SynthPose] = []
        var view: (yaw: Double, pitch: Double)? = nil
        var j = 0
        for f in 0..<frames {
            let u = frames > 1 ? Double(f) / Double(frames - 1) : 0
            let s = total * (u + 0.03 * sin(2 * Double.pi * u * 3 + phase.0) * u * (1 - u))
            while j < cumulative.count - 2 && cumulative[j + 1] < s { j += 1 }
            let span = max(cumulative[j + 1] - cumulative[j], 1e-9)
            let a = min(max((s - cumulative[j]) / span, 0), 1)
            var eye = dense[j].0 + (dense[j + 1].0 - dense[j].0) * a
            var gaze = dense[j].1 + (dense[j + 1].1 - dense[j].1) * a
            let time = Double(f) / options.fps
            eye += options.shakeTranslation * SIMD3(sin(7.1 * time + phase.1), sin(5.3 * time + phase.2), sin(6.2 * time + phase.3))
            eye.z = min(max(eye.z, minZ), maxZ)
            // Viewing direction with the pitch kept between 46° down and 20° up; straight above or
            // below the gaze point the walking direction decides the heading.
            var heading = SIMD2<Double>(gaze.x - eye.x, gaze.y - eye.y)
            if simdLength2(heading) < 0.05 {
                let step = dense[j + 1].0 - dense[j].0
                heading = simdLength2(SIMD2(step.x, step.y)) > 1e-9 ? SIMD2(step.x, step.y) : SIMD2(1, 0)
            }
            // Turn the head towards it by at most maxTurnPerFrame in heading and half that in pitch
            // (separately, so a turn never swings through the floor).
            var pitch = min(0.35, max(-0.8, atan2(gaze.z - eye.z, simdLength2(heading))))
            var yaw = atan2(heading.y, heading.x)
            if let (lastYaw, lastPitch) = view {
                var turn = yaw - lastYaw
                turn -= 2 * Double.pi * (turn / (2 * Double.pi)).rounded()
                yaw = lastYaw + min(options.maxTurnPerFrame, max(-options.maxTurnPerFrame, turn))
                pitch = lastPitch + min(options.maxTurnPerFrame / 2, max(-options.maxTurnPerFrame / 2, pitch - lastPitch))
            }
            view = (yaw, pitch)
            gaze = eye + SIMD3(cos(yaw) * cos(pitch), sin(yaw) * cos(pitch), sin(pitch))
            var pose = SynthPose.lookAt(eye: eye, target: gaze, roll: 0.03 * sin(1.7 * time + phase.2))
            let wobble = options.shakeRotation * SIMD3(sin(4.3 * time + phase.3), sin(3.7 * time + phase.0), 0.5 * sin(2.9 * time + phase.1))
            pose.rotation = pose.rotation * Mat3.rotation(vector: wobble)
            poses.append(pose)
        }
        var travelled = 0.0
        for i in 1..<max(1, poses.count) { travelled += length(poses[i].translation - poses[i - 1].translation) }
        return Trajectory(worldFromCamera: poses.map(\.rigid), poses: poses, pathLength: travelled)
    }
}

@inline(__always) func simdLength2(_ v: SIMD2<Double>) -> Double { (v * v).sum().squareRoot() }

func catmullRom1(_ p0: Double, _ p1: Double, _ p2: Double, _ p3: Double, _ t: Double) -> Double {
    let t2 = t * t, t3 = t2 * t
    return 0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t3)
}

func catmullRom(_ p0: SIMD2<Double>, _ p1: SIMD2<Double>, _ p2: SIMD2<Double>, _ p3: SIMD2<Double>, _ t: Double) -> SIMD2<Double> {
    [catmullRom1(p0.x, p1.x, p2.x, p3.x, t), catmullRom1(p0.y, p1.y, p2.y, p3.y, t)]
}

func catmullRom3(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, _ p3: SIMD3<Double>, _ t: Double) -> SIMD3<Double> {
    [catmullRom1(p0.x, p1.x, p2.x, p3.x, t), catmullRom1(p0.y, p1.y, p2.y, p3.y, t), catmullRom1(p0.z, p1.z, p2.z, p3.z, t)]
}
