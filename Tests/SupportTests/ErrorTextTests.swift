import Testing
import Support

@Suite struct ErrorTextTests {
    @Test func aReasonThatNamesThePathIsNotPrefixedAgain() {
        #expect(ErrorText.located("/data/room", "/data/room/scene.json: missing (scene manifest)")
                == "/data/room/scene.json: missing (scene manifest)")
        #expect(ErrorText.located("/data/room/mesh.ply", "malformed PLY header at line 7") == "/data/room/mesh.ply: malformed PLY header at line 7")
        #expect(ErrorText.located("", "no path") == ": no path")
    }
}
