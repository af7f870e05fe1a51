import Testing
@testable import Geometry

@Test func ceresVersionIsTwoPointSomething() {
    #expect(CeresInfo.version.hasPrefix("2."))
}
