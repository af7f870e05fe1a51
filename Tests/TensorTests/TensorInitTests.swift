import Testing
@testable import Tensor

extension TensorTestSuite {
    /// `Tensor([Float])` and `Tensor([Double])` into either storage type: copies or converts, element for element.
    @Suite struct ArrayInit {
        static let doubles: [Double] = [0.1, -2.5, 1e-3, 3.0e7, 0.0, 1.0 / 3]

        @Test(arguments: [DType.float32, .float64])
        func doublesKeepTheirValueUpToTheStorageType(dtype: DType) throws {
            let t = try Tensor(Self.doubles, shape: [2, 3], dtype: dtype)
            #expect(t.shape == [2, 3] && t.dtype == dtype)
            for (i, v) in Self.doubles.enumerated() {
                #expect(t[flat: i] == (dtype == .float32 ? Double(Float(v)) : v))
            }
        }

        @Test(arguments: [DType.float32, .float64])
        func floatsAreExactInEitherStorage(dtype: DType) throws {
            let floats = Self.doubles.map { Float($0) }
            let t = try Tensor(floats, shape: [3, 2], dtype: dtype)
            #expect((0..<floats.count).map { t[flat: $0] } == floats.map { Double($0) })
        }

        @Test func emptyShapeWithZeroExtent() throws {
            let t = try Tensor([Float](), shape: [0, 4])
            #expect(t.count == 0)
        }
    }
}
