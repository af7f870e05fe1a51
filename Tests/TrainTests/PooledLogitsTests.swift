import Foundation
import Testing
@testable import Train

/// `query` scores one phrase against a contrast vocabulary: pooling the other classes must keep its probability.
@Suite struct PooledLogitsTests {
    @Test func softmaxOfPooledLogitsKeepsTheFirstClassesProbabilities() {
        let logits: [Float] = [2, 0.5, -1, 3, 0.2,   -4, 1, 1, 0, 6]   // two queries, 4 classes + no object
        let pooled = Predictor.pooledLogits(logits, queries: 2, classes: 4, kept: 1)
        #expect(pooled.count == 4)
        for q in 0..<2 {
            let row = (0..<5).map { Double(logits[q * 5 + $0]) }
            let z = row.map { exp($0) }.reduce(0, +)
            let p = exp(row[0]) / z
            let pooledRow = [Double(pooled[q * 2]), Double(pooled[q * 2 + 1])]
            let pz = pooledRow.map { exp($0) }.reduce(0, +)
            #expect(abs(exp(pooledRow[0]) / pz - p) < 1e-6)
            #expect(abs(pz - 1) < 1e-5)
        }
    }
}
