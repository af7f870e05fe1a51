import Foundation
import SceneIO
import Testing
@testable import Train

/// Damaged scene arrays stop `TrainScene.load` with a `SceneContractError` naming file, index and value; nothing
/// out of range reaches the training loop (release builds compile Train with `-Ounchecked`).
@Suite struct HostileSceneTests {
    enum Damage: Sendable, CustomStringConvertible {
        case int32(String, index: Int, value: Int32)
        case int64(String, index: Int, value: Int64)
        case float(String, index: Int, value: Float)
        case allNaN
        var description: String {
            switch self {
            case let .int32(n, i, v): return "\(n)[\(i)] = \(v)"
            case let .int64(n, i, v): return "\(n)[\(i)] = \(v)"
            case let .float(n, i, v): return "\(n)[\(i)] = \(v)"
            case .allNaN: return "coord all NaN"
            }
        }
    }

    static let cases: [Damage] = [
        .int32("superpoints", index: 3, value: -5), .int32("superpoints", index: 7, value: -1_000_000),
        .int32("superpoints", index: 9, value: 5_000_000), .int32("vl_superpoints", index: 2, value: 99),
        .int32("sp_view", index: 1, value: -1), .int64("vl_offsets", index: 2, value: -4),
        .int64("sp_view_offsets", index: 1, value: 1 << 40), .float("coord", index: 4, value: .infinity), .allNaN,
        .float("coord", index: 5, value: 1e30), .float("normal", index: 2, value: -1e38),
    ]

    @Test(arguments: cases)
    func damagedArraysAreTypedErrors(_ damage: Damage) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("train-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = try TinyScene.write(to: root.appendingPathComponent("scene0"))
        var folder = try SceneFolder(url)
        let name: String
        switch damage {
        case let .int32(n, i, v):
            name = n
            var a = try folder.read(n).int32s(); a[i] = v
            try folder.write(a, shape: [a.count], named: n)
        case let .int64(n, i, v):
            name = n
            var a = try folder.read(n).int64s(); a[i] = v
            try folder.write(a, shape: [a.count], named: n)
        case let .float(n, i, v):
            name = n
            let array = try folder.read(n)
            var a = try array.floats(); a[i] = v
            try folder.write(a, shape: array.shape, named: n)
        case .allNaN:
            name = "coord"
            let array = try folder.read(name)
            try folder.write([Float](repeating: .nan, count: array.count), shape: array.shape, named: name)
        }
        do {
            _ = try TrainScene.load(url, baseClasses: nil)
            Issue.record("\(damage) was accepted")
        } catch let error as SceneContractError {
            #expect(error.description.contains(name + ".npy"), "\(error)")
        }
    }
}
