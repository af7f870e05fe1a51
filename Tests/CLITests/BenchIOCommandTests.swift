import Foundation
import SceneIO
import Testing

@Suite struct BenchIOCommandTests {
    @Test func tinyRunReportsEveryFigure() throws {
        let result = try CLIRunner().run(["bench", "io", "--points", "1000", "--vertices", "200", "--faces", "300",
                                          "--repeat", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let figures = try #require(object)
        for key in ["npy_write_fresh_s", "npy_write_overwrite_s", "npy_read_s", "ply_write_s", "ply_read_s"] {
            let seconds = try #require(figures[key] as? Double, "missing \(key)")
            #expect(seconds > 0 && seconds < 10)
        }
        #expect(figures["faces"] as? Int == 300)
    }
}
