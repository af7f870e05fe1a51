import Foundation
import Testing
import Support

@Suite struct ErrorTextTests {
    @Test func aReasonThatNamesThePathIsNotPrefixedAgain() {
        #expect(ErrorText.located("/data/room", "/data/room/scene.json: missing (scene manifest)")
                == "/data/room/scene.json: missing (scene manifest)")
        #expect(ErrorText.located("/data/room/mesh.ply", "malformed PLY header at line 7") == "/data/room/mesh.ply: malformed PLY header at line 7")
        #expect(ErrorText.located("", "no path") == ": no path")
        // A longer path that starts or ends with the same characters is another file: the prefix stays.
        #expect(ErrorText.located("/data/room", "/data/room2/scene.json: missing") == "/data/room: /data/room2/scene.json: missing")
        #expect(ErrorText.located("data/room", "/old/data/room/scene.json: missing") == "data/room: /old/data/room/scene.json: missing")
        #expect(ErrorText.located("/data/room", "cannot read '/data/room': no such folder") == "cannot read '/data/room': no such folder")
        #expect(ErrorText.located("/data/room", "/data/room.bak: exists") == "/data/room: /data/room.bak: exists")
    }
}

/// A closed set read from JSON names the allowed values; decoding errors read as "PATH: what is wrong".
struct DecodingTextTests {
    enum Colour: String, Decodable, CaseIterable, ClosedSetValue { case red, green }
    struct Palette: Decodable {
        var main: Colour
        var layers: [Layer]
        struct Layer: Decodable { var colour: Colour; var depth: Int }
    }

    func message(_ json: String) -> String? {
        do {
            _ = try JSONDecoder().decode(Palette.self, from: Data(json.utf8))
            return nil
        } catch {
            return ErrorText.decoding(error)
        }
    }

    @Test func closedSetsNameTheAllowedValues() throws {
        #expect(message(#"{"main": "blue", "layers": []}"#) == #"main: "blue" is not one of "red", "green""#)
        #expect(message(#"{"main": "red", "layers": [{"colour": "green", "depth": 1}, {"colour": "Red", "depth": 2}]}"#)
            == #"layers[1].colour: "Red" is not one of "red", "green""#)
        // Valid values still decode.
        #expect(message(#"{"main": "green", "layers": [{"colour": "red", "depth": 3}]}"#) == nil)
    }

    @Test func otherDecodingErrorsNameTheField() {
        #expect(message(#"{"main": "red", "layers": [{"colour": "red", "depth": "deep"}]}"#) == "layers[0].depth: expected a value of type Int")
        #expect(message(#"{"layers": []}"#) == "main: missing")
        #expect(message(#"{"main": null, "layers": []}"#)?.hasPrefix("main: ") == true)
        #expect(ErrorText.decoding(CocoaError(.fileNoSuchFile)).isEmpty == false)
    }
}
