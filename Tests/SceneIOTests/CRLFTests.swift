import Foundation
import _TestSupport
import Support
import Testing
@testable import SceneIO

/// Text written on Windows (CRLF) or old macOS (CR) reads as the same lines as LF text.
@Suite struct CRLFTests {
    func convert(_ url: URL, to ending: String) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n", with: ending).utf8).write(to: url)
    }

    @Test(arguments: ["\r\n", "\r"])
    func aTUMSequenceWithOtherLineEndingsHasAllItsFrames(ending: String) throws {
        let dir = try TemporaryDirectory()
        try makeTUMSequence(at: dir.url)
        let lf = try TUMRGBDSequence(dir.url)
        for list in ["rgb.txt", "depth.txt", "groundtruth.txt"] { try convert(dir.file(list), to: ending) }
        let other = try TUMRGBDSequence(dir.url)
        #expect(other.frames.count == 5)
        #expect(other.frames == lf.frames)
    }

    @Test func aCRLFTrajectoryParsesLikeLF() throws {
        let lines = ["# timestamp tx ty tz qx qy qz qw", "1.0 0 0 0 0 0 0 1", "", "2.0 1 2 3 0 0 0 1"]
        let url = URL(fileURLWithPath: "/t.txt")
        let lf = try TUMTrajectory.parse(lines.joined(separator: "\n") + "\n", url: url)
        let crlf = try TUMTrajectory.parse(lines.joined(separator: "\r\n") + "\r\n", url: url)
        #expect(crlf.poses.count == 2)
        #expect(crlf.poses == lf.poses)
        // Line numbers in errors are the file's, also with CRLF.
        #expect(performing: { try TUMTrajectory.parse((lines + ["3.0 1 2"]).joined(separator: "\r\n"), url: url) }, throws: { error in
            guard case let SceneIOError.tumBadLine(_, line, _) = error else { return false }
            return line == 5
        })
    }

    @Test func textLinesSplitsEveryEnding() {
        #expect(TextLines.split("a\r\nb\nc\rd").map(String.init) == ["a", "b", "c", "d"])
        #expect(TextLines.split("a\r\n\r\nb\r\n").map(String.init) == ["a", "", "b", ""])
        #expect(TextLines.split("").map(String.init) == [""])
    }
}
