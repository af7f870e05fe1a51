import Testing
@testable import Tensor
@Test func shapeMismatchEquatable() { #expect(TensorError.shapeMismatch(op: "a", expected: [1], actual: [2]) != .shapeMismatch(op: "a", expected: [1], actual: [3])) }
