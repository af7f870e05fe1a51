import ArgumentParser
import Foundation
import SceneIO

/// `ovseg3r bench io`: .npy write/read of a float32 [N, 3] array and binary PLY write/read of a
/// triangle mesh. `tools/bench_io.py` runs numpy on the same files and reports ratios.
struct BenchIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "Time .npy and PLY reading/writing (medians over --repeat runs).")

    @Option(help: "Rows of the float32 [N, 3] .npy array.")
    var points = 4_000_000

    @Option(help: "Vertices of the PLY mesh (with normals and colors).")
    var vertices = 1_000_000

    @Option(help: "Triangles of the PLY mesh.")
    var faces = 2_000_000

    @Option(help: "Timed runs per operation; the median is reported.")
    var `repeat` = 5

    @Option(help: "Folder for the benchmark files (default: a fresh temporary folder, removed afterwards).")
    var dir: String?

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case npy, ply
    }

    @Option(help: "Run only one part (default: both).")
    var only: Part?

    @Flag(help: "Print JSON (seconds, megabytes, file paths) instead of text.")
    var json = false

    func run() throws {
        let folder = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("ovseg3r-bench-io-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(at: folder) } }
        let runs = max(1, self.repeat)

        let runNpy = only != .ply, runPly = only != .npy
        var fields: [String] = ["\"repeat\": \(runs)"]
        var lines: [String] = []
        if runNpy { try benchNpy(folder: folder, runs: runs, fields: &fields, lines: &lines) }
        if runPly { try benchPly(folder: folder, runs: runs, fields: &fields, lines: &lines) }
        print(json ? "{" + fields.joined(separator: ", ") + "}" : lines.joined(separator: "\n"))
    }

    private func benchNpy(folder: URL, runs: Int, fields: inout [String], lines: inout [String]) throws {
        // .npy: float32 [points, 3]
        let npyURL = folder.appendingPathComponent("coord.npy")
        let values = (0..<(points * 3)).map { Float($0 % 9973) * 0.001 }
        let array = try NpyArray(values, shape: [points, 3])
        // A stage normally writes a new file; replacing an existing one costs more on ext4, which
        // flushes the new data when a rename replaces a file (the price of atomic replacement).
        let npyWriteFresh = try median(runs, prepare: { try? FileManager.default.removeItem(at: npyURL) }) {
            try Npy.write(array, to: npyURL)
        }
        let npyWriteOver = try median(runs) { try Npy.write(array, to: npyURL) }
        var checksum: Float = 0
        let npyRead = try median(runs) {
            let back = try Npy.read(npyURL)
            checksum += try back.floats()[3 * points - 1]
        }
        fields += ["\"npy_write_fresh_s\": \(npyWriteFresh)", "\"npy_write_overwrite_s\": \(npyWriteOver)",
                   "\"npy_read_s\": \(npyRead)", "\"npy_path\": \"\(npyURL.path)\"", "\"points\": \(points)"]
        lines.append("npy float32 [\(points), 3]: write new file \(ms(npyWriteFresh)), overwrite \(ms(npyWriteOver)), read \(ms(npyRead))  (median of \(runs))")
        if checksum.isNaN { lines.append("") }  // keeps the reads from being optimised away
    }

    private func benchPly(folder: URL, runs: Int, fields: inout [String], lines: inout [String]) throws {
        // Binary PLY: positions + normals + colors, triangles.
        let plyURL = folder.appendingPathComponent("mesh.ply")
        let mesh = Self.mesh(vertices: vertices, faces: faces)
        let plyWrite = try median(max(1, runs / 2), prepare: { try? FileManager.default.removeItem(at: plyURL) }) {
            try Ply.write(mesh, to: plyURL)
        }
        var peakMB = 0.0
        var readFaces = 0
        let plyRead = try median(runs) {
            let baseline = PeakMemory.reset()
            let back = try Ply.read(plyURL)
            readFaces = back.triangleCount
            peakMB = max(peakMB, PeakMemory.peakMB() - baseline)
        }
        let plyBytes = (try? FileManager.default.attributesOfItem(atPath: plyURL.path)[.size] as? Int) ?? 0

        fields += ["\"ply_write_s\": \(plyWrite)", "\"ply_read_s\": \(plyRead)",
                   "\"ply_read_peak_mb_above_baseline\": \(peakMB)", "\"ply_bytes\": \(plyBytes)",
                   "\"ply_path\": \"\(plyURL.path)\"", "\"vertices\": \(vertices)", "\"faces\": \(readFaces)"]
        lines.append("ply binary \(vertices) vertices, \(readFaces) faces, \(plyBytes / 1_000_000) MB: write \(ms(plyWrite)), read \(ms(plyRead)), read peak +\(Int(peakMB)) MB")
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    private func median(_ runs: Int, prepare: () -> Void = {}, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            prepare()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// A random mesh shaped like a reconstruction: every vertex used, triangles between near indices.
    static func mesh(vertices: Int, faces: Int) -> PlyMesh {
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var mesh = PlyMesh(positions: (0..<vertices).map { i in
            SIMD3(Float(i % 1000) * 0.01, Float(i / 1000 % 1000) * 0.01, Float(next() % 1000) * 0.001)
        })
        mesh.normals = (0..<vertices).map { _ in SIMD3(0, 0, 1) }
        mesh.colors = (0..<vertices).map { i in SIMD3(UInt8(i & 255), UInt8((i >> 8) & 255), 128) }
        mesh.faces = [Int32](unsafeUninitializedCapacity: faces * 3) { buffer, count in
            for f in 0..<faces {
                let a = Int(next() % UInt64(vertices))
                buffer[3 * f] = Int32(a)
                buffer[3 * f + 1] = Int32((a + 1) % vertices)
                buffer[3 * f + 2] = Int32((a + 1000) % vertices)
            }
            count = faces * 3
        }
        return mesh
    }
}

/// Peak resident memory of this process (Linux: VmHWM, resettable through /proc/self/clear_refs).
enum PeakMemory {
    /// Resets the peak to the current RSS where the kernel allows it; returns the current RSS in MB.
    static func reset() -> Double {
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            handle.write(Data("5".utf8))
            try? handle.close()
        }
        return field("VmRSS")
    }

    static func peakMB() -> Double { field("VmHWM") }

    private static func field(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
