import Foundation
import SceneIO

/// `ovseg3r segment-mesh`: the ScanNet segmentator on a PLY mesh, with its JSON output
/// `{"params":{"kThresh":…,"segMinVerts":…},"sceneId":…,"segIndices":[…]}`.
///
/// Segment ids are union–find root vertex indices, as in ScanNet (not contiguous). `kThresh` is printed like
/// C++'s default stream formatting of a float (`%g`, six significant digits).
public enum ScanNetSegmentation {
    /// Segment ids `[N]` for a mesh (vertex positions `[N]`, faces `[F·3]`).
    public static func segment(positions: [SIMD3<Float>], faces: [Int32], kThresh: Float, segMinVerts: Int,
                               ties: EdgeTieOrder = .scanNet) throws(IBSpError) -> [Int32] {
        guard kThresh.isFinite, kThresh > 0 else {
            throw .invalidOption(name: "kThresh", value: "\(kThresh)", expected: "a finite number > 0")
        }
        guard segMinVerts >= 0 else { throw .invalidOption(name: "segMinVerts", value: "\(segMinVerts)", expected: "≥ 0") }
        let graph = try SegmentGraph.scanNetMesh(positions: positions, faces: faces).graph
        var sets = Felzenszwalb.segment(graph, kThresh: kThresh, minSize: segMinVerts, ties: ties)
        return sets.roots()
    }

    /// The default output name of the C++ tool: `<input without extension>.<kThresh %f>.segs.json`.
    public static func defaultOutput(for input: URL, kThresh: Float) -> URL {
        let base = input.deletingPathExtension().path
        return URL(fileURLWithPath: base + "." + String(format: "%f", Double(kThresh)) + ".segs.json")
    }

    /// The JSON text, compact like the C++ tool's (one line, no spaces).
    public static func json(sceneId: String, kThresh: Float, segMinVerts: Int, segIndices: [Int32]) -> String {
        String(decoding: jsonBytes(sceneId: sceneId, kThresh: kThresh, segMinVerts: segMinVerts, segIndices: segIndices),
               as: UTF8.self)
    }

    /// The JSON as UTF-8 bytes (digits written directly, no per-number strings).
    static func jsonBytes(sceneId: String, kThresh: Float, segMinVerts: Int, segIndices: [Int32]) -> [UInt8] {
        let escaped = sceneId.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        var bytes = Array(("{\"params\":{\"kThresh\":" + String(format: "%g", Double(kThresh)) + ",\"segMinVerts\":\(segMinVerts)},"
                           + "\"sceneId\":\"" + escaped + "\",\"segIndices\":[").utf8)
        bytes.reserveCapacity(bytes.count + segIndices.count * 8 + 2)
        var digits = [UInt8](repeating: 0, count: 12)
        for (i, id) in segIndices.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            var value = Int64(id)
            if value < 0 { bytes.append(UInt8(ascii: "-")); value = -value }
            var count = 0
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                count += 1
            } while value > 0
            while count > 0 { count -= 1; bytes.append(digits[count]) }
        }
        bytes += Array("]}".utf8)
        return bytes
    }

    /// Reads `input` (PLY), segments it and writes the JSON atomically to `output`.
    /// - Returns: the segment ids and the number of distinct segments.
    @discardableResult
    public static func run(input: URL, output: URL, kThresh: Float, segMinVerts: Int,
                           ties: EdgeTieOrder = .scanNet) throws(IBSpError) -> (ids: [Int32], segments: Int) {
        let mesh: PlyMesh
        do { mesh = try Ply.read(input) } catch { throw .unreadableInput(url: input, reason: "\(error)") }
        let ids = try segment(positions: mesh.positions, faces: mesh.faces, kThresh: kThresh, segMinVerts: segMinVerts, ties: ties)
        let bytes = jsonBytes(sceneId: input.deletingPathExtension().lastPathComponent, kThresh: kThresh,
                              segMinVerts: segMinVerts, segIndices: ids)
        do { try AtomicFile.write(Data(bytes), to: output) } catch {
            throw .unwritableOutput(url: output, reason: "\(error)")
        }
        return (ids, Set(ids).count)
    }
}
