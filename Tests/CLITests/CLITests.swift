import Testing
@Test func placeholderRemovedByCLIWork() { #expect(1 + 1 == 2) }
