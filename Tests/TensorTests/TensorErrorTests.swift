import Testing
@testable import Tensor

extension TensorTestSuite {
    @Suite struct Errors {
        @Test func shapeMismatchCarriesBothShapes() {
            #expect(TensorError.shapeMismatch(op: "a", expected: [1], actual: [2]) != .shapeMismatch(op: "a", expected: [1], actual: [3]))
        }

        @Test func tensorInitRejectsWrongCount() {
            #expect(throws: TensorError.elementCountMismatch(op: "Tensor.init", shape: [2, 3], count: 5)) {
                try Tensor([1, 2, 3, 4, 5] as [Float], shape: [2, 3])
            }
        }

        @Test func reshapeRejectsWrongCount() throws {
            let t = Tensor.zeros([2, 3])
            #expect(throws: TensorError.shapeMismatch(op: "reshape", expected: [2, 3], actual: [4, 2])) { try t.reshaped([4, 2]) }
            #expect(try t.reshaped([3, 2]).shape == [3, 2])
        }
    }
}
