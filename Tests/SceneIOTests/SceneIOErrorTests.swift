import Testing
@testable import SceneIO
@Test func errorNamesFile() { #expect(SceneIOError.unreadable(url: .init(fileURLWithPath: "/a/b.npy"), reason: "x").description.contains("/a/b.npy")) }
