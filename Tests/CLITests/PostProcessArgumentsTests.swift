import Foundation
import Testing

/// `predict` and `query` share one group of post-processing switches, validated before any file is read.
@Suite struct PostProcessArgumentsTests {
    @Test(arguments: ["predict", "query"])
    func bothCommandsOfferTheSameSwitches(command: String) throws {
        let help = try CLIRunner().run([command, "--help"])
        #expect(help.status == 0)
        for flag in ["--min-points", "--top-k", "--mask-threshold", "--box-filter", "--no-box-filter", "--mask-score"] {
            #expect(help.stdout.contains(flag), "\(command) --help lacks \(flag)")
        }
    }

    @Test func badValuesAreRejectedByName() throws {
        let cli = try CLIRunner()
        let missing = "/nonexistent-\(UUID().uuidString)"
        let predict = try cli.run(["predict", "--checkpoint", missing, "--scene", missing, "--out", missing, "--min-points=-1"])
        #expect(predict.status != 0 && predict.stderr.contains("--min-points must be >= 0, got -1"), "\(predict.stderr)")
        let query = try cli.run(["query", "--checkpoint", missing, "--scene", missing, "chair", "--top-k", "0"])
        #expect(query.status != 0 && query.stderr.contains("--top-k must be > 0, got 0"), "\(query.stderr)")
        let threshold = try cli.run(["predict", "--checkpoint", missing, "--scene", missing, "--out", missing, "--mask-threshold", "1"])
        #expect(threshold.status != 0 && threshold.stderr.contains("--mask-threshold must lie strictly between 0 and 1, got 1.0"),
                "\(threshold.stderr)")
        let filter = try cli.run(["predict", "--checkpoint", missing, "--scene", missing, "--out", missing, "--box-filter", "voxels"])
        #expect(filter.status != 0 && filter.stderr.contains("voxels") && filter.stderr.contains("superpoints"), "\(filter.stderr)")
        let score = try cli.run(["predict", "--checkpoint", missing, "--scene", missing, "--out", missing, "--mask-score", "iou"])
        #expect(score.status != 0 && score.stderr.contains("iou") && score.stderr.contains("mean-sigmoid"), "\(score.stderr)")
        let both = try cli.run(["query", "--checkpoint", missing, "--scene", missing, "chair", "--box-filter", "points", "--no-box-filter"])
        #expect(both.status != 0 && both.stderr.contains("--no-box-filter contradicts --box-filter points"), "\(both.stderr)")
    }
}
