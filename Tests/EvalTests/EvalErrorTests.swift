import Testing
import Foundation
@testable import Eval
@Test func errorEquatable() { #expect(EvalError.malformedFile(url: URL(fileURLWithPath: "/x"), line: 1, reason: "r") == .malformedFile(url: URL(fileURLWithPath: "/x"), line: 1, reason: "r")) }
