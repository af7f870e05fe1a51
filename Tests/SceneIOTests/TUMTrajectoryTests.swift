import Foundation
import _TestSupport
import Testing
@testable import SceneIO

@Suite struct TUMTrajectoryTests {
    @Test func roundTripKeepsTimestampTextAndValuesExactly() throws {
        let dir = try TemporaryDirectory()
        let trajectory = TUMTrajectory(poses: [
            TUMPose(timestamp: "1305031102.175304", translation: SIMD3(1.3405, 0.6266, 1.6575),
                    rotationXYZW: SIMD4(0.6574, 0.6126, -0.2949, -0.3248)),
            TUMPose(timestamp: "1305031102.211200", translation: SIMD3(0.1 + 0.2, -1e-9, 12345.678901234567),
                    rotationXYZW: SIMD4(0, 0, 0, 1)),
        ])
        let url = dir.file("poses.txt")
        try trajectory.write(to: url)
        let back = try TUMTrajectory.read(url)
        #expect(back == trajectory)
        #expect(back.poses[1].timestamp == "1305031102.211200")  // trailing zero kept
        #expect(back.poses[0].seconds == 1305031102.175304)
    }

    @Test func commentsAndBlankLinesAreSkipped() throws {
        let text = "# ground truth\n\n1.0 0 0 0 0 0 0 1\n  \n2.0\t1\t2\t3\t0\t0\t0\t1\n"
        let trajectory = try TUMTrajectory.parse(text, url: URL(fileURLWithPath: "/t.txt"))
        #expect(trajectory.poses.map(\.timestamp) == ["1.0", "2.0"])
        #expect(trajectory.poses[1].translation == SIMD3(1, 2, 3))
    }

    @Test(arguments: [
        ("1 0 0 0 0 0 0 1\n1 0 0 nan 0 0 0 1\n", 2, "tz"),
        ("# c\n1 0 0 0 0 0 0\n", 2, "7 fields"),
        ("1 0 0 0 0 0 0 1\n\n1 0 0 0 0 0 zero 1\n", 3, "qz"),
        ("1 inf 0 0 0 0 0 1\n", 1, "tx"),
        ("1 0 0 0 0 0 0 0\n", 1, "quaternion"),
    ])
    func badLinesAreRejectedNamingTheLine(text: String, line: Int, mention: String) throws {
        let url = URL(fileURLWithPath: "/data/poses.txt")
        #expect(performing: { try TUMTrajectory.parse(text, url: url) }, throws: { error in
            guard case let .tumBadLine(u, l, reason)? = error as? SceneIOError else { return false }
            return u == url && l == line && reason.contains(mention) && "\(error)".contains("/data/poses.txt:\(line)")
        })
    }
}
