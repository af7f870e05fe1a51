// The libFuzzer entry point of the SceneIO fuzz targets (built by tools/fuzz/build.sh, not by `swift build`).
// One binary serves every format: FUZZ_FORMAT (npy, ply, png, jpeg, sens, tum-list, trajectory, pred2d,
// scene-json, scene-contract) picks the reader, and Tests/SceneIOTests/FuzzInputs.swift (with
// FuzzSceneContract.swift), shared with the corpus replay test, feeds it.
import Foundation

private let format: FuzzFormat = {
    let name = ProcessInfo.processInfo.environment["FUZZ_FORMAT"] ?? ""
    guard let f = FuzzFormat(rawValue: name) else {
        FileHandle.standardError.write(Data("FUZZ_FORMAT must be one of \(FuzzFormat.allCases.map(\.rawValue)), got '\(name)'\n".utf8))
        exit(2)
    }
    return f
}()

private let scratch: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ovseg3r-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = FuzzInputs.parse(bytes, as: format, scratch: scratch)
    return 0
}
