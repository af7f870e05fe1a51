import Foundation
import _TestSupport
import Testing
import Geometry
@testable import SceneIO

/// Every reader, fed damaged versions of a valid file (flipped bytes, truncations), must either
/// succeed or throw a SceneIOError naming the file — never trap or throw anything else.
@Suite struct CorruptionFuzzTests {
    enum Format: String, CaseIterable {
        case npy, plyBinary, plyASCII, png, jpeg, tum, sens
    }

    static func validFile(_ format: Format, in dir: TemporaryDirectory) throws -> URL {
        let url = dir.file("valid.\(format.rawValue)")
        switch format {
        case .npy: try Npy.write(try NpyArray(shape: [6, 3], storage: sampleStorage(.float32, count: 18)), to: url)
        case .plyBinary: try Ply.write(sampleMesh(vertices: 8), to: url)
        case .plyASCII: try Ply.write(sampleMesh(vertices: 8), to: url, options: PlyWriteOptions(format: .ascii))
        case .png: try PNG.write(try GrayImage16(width: 7, height: 5, pixels: (0..<35).map { UInt16($0 * 1000) }), to: url)
        case .jpeg: try JPEG.write(smoothImage(width: 16, height: 16), to: url)
        case .sens: try makeSensFile(at: url)
        case .tum:
            try TUMTrajectory(poses: (0..<4).map {
                TUMPose(timestamp: "\($0).5", translation: SIMD3(1, 2, 3), rotationXYZW: SIMD4(0, 0, 0, 1))
            }).write(to: url)
        }
        return url
    }

    static func read(_ format: Format, _ url: URL) throws {
        switch format {
        case .npy: _ = try Npy.read(url)
        case .plyBinary, .plyASCII: _ = try Ply.read(url)
        case .png: _ = try PNG.read(url)
        case .jpeg: _ = try JPEG.read(url)
        case .tum: _ = try TUMTrajectory.read(url)
        case .sens:
            let sens = try ScanNetSensFile(url)
            for i in sens.frames.indices {
                _ = try sens.color(i)
                _ = try sens.depth(i)
            }
        }
    }

    @Test(arguments: Format.allCases)
    func damagedFilesNeverTrap(format: Format) throws {
        let dir = try TemporaryDirectory()
        let valid = try [UInt8](Data(contentsOf: Self.validFile(format, in: dir)))
        let url = dir.file("damaged")
        var rng = SeededGenerator(seed: UInt64(format.rawValue.count))
        var rejected = 0
        for trial in 0..<150 {
            var bytes = valid
            if trial % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    // Bias damage toward the header, where parsers branch the most.
                    let limit = trial % 3 == 1 ? min(bytes.count, 200) : bytes.count
                    bytes[Int.random(in: 0..<limit, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            try Data(bytes).write(to: url)
            do {
                try Self.read(format, url)
            } catch let error as SceneIOError {
                rejected += 1
                #expect(error.description.contains(url.path), "\(error)")
            } catch {
                Issue.record("\(format) trial \(trial): untyped error \(error)")
            }
        }
        // Truncations alone guarantee rejections; zero would mean the damage never reached the reader.
        #expect(rejected >= 40)
    }
}
