/// A 3×3 matrix of `Double`, stored row-major as three row vectors.
///
/// Used for rotation matrices, covariance matrices and skew-symmetric cross-product matrices.
/// `m[r, c]` reads row `r`, column `c`; `rowMajor` lays the nine elements out as `[m00, m01, m02, m10, …]`,
/// the order numpy (C order), Eigen's `RowMajor` and Open3D's printouts use.
public struct Matrix3: Sendable, Hashable {
    public var row0: SIMD3<Double>
    public var row1: SIMD3<Double>
    public var row2: SIMD3<Double>

    /// A matrix from its three rows.
    public init(row0: SIMD3<Double>, row1: SIMD3<Double>, row2: SIMD3<Double>) {
        self.row0 = row0
        self.row1 = row1
        self.row2 = row2
    }

    /// A matrix from its three columns.
    public init(column0: SIMD3<Double>, column1: SIMD3<Double>, column2: SIMD3<Double>) {
        self.init(row0: SIMD3(column0.x, column1.x, column2.x),
                  row1: SIMD3(column0.y, column1.y, column2.y),
                  row2: SIMD3(column0.z, column1.z, column2.z))
    }

    /// A matrix from nine row-major elements; `nil` unless `elements.count == 9`.
    public init?(rowMajor elements: [Double]) {
        guard elements.count == 9 else { return nil }
        self.init(row0: SIMD3(elements[0], elements[1], elements[2]),
                  row1: SIMD3(elements[3], elements[4], elements[5]),
                  row2: SIMD3(elements[6], elements[7], elements[8]))
    }

    /// The identity matrix.
    public static let identity = Matrix3(row0: SIMD3(1, 0, 0), row1: SIMD3(0, 1, 0), row2: SIMD3(0, 0, 1))

    /// The zero matrix.
    public static let zero = Matrix3(row0: .zero, row1: .zero, row2: .zero)

    /// A diagonal matrix.
    public static func diagonal(_ d: SIMD3<Double>) -> Matrix3 {
        Matrix3(row0: SIMD3(d.x, 0, 0), row1: SIMD3(0, d.y, 0), row2: SIMD3(0, 0, d.z))
    }

    /// The cross-product matrix `[v]ₓ`, so that `skew(v) * u == cross(v, u)`.
    public static func skew(_ v: SIMD3<Double>) -> Matrix3 {
        Matrix3(row0: SIMD3(0, -v.z, v.y), row1: SIMD3(v.z, 0, -v.x), row2: SIMD3(-v.y, v.x, 0))
    }

    /// The outer product `a bᵀ`.
    public static func outer(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Matrix3 {
        Matrix3(row0: a.x * b, row1: a.y * b, row2: a.z * b)
    }

    /// Element at row `r`, column `c` (both in 0..<3).
    public subscript(r: Int, c: Int) -> Double {
        get {
            switch r {
            case 0: return row0[c]
            case 1: return row1[c]
            default: return row2[c]
            }
        }
        set {
            switch r {
            case 0: row0[c] = newValue
            case 1: row1[c] = newValue
            default: row2[c] = newValue
            }
        }
    }

    /// The nine elements in row-major order.
    public var rowMajor: [Double] {
        [row0.x, row0.y, row0.z, row1.x, row1.y, row1.z, row2.x, row2.y, row2.z]
    }

    /// Column `c` (0..<3).
    public func column(_ c: Int) -> SIMD3<Double> { SIMD3(row0[c], row1[c], row2[c]) }

    public var transposed: Matrix3 {
        Matrix3(column0: row0, column1: row1, column2: row2)
    }

    public var determinant: Double {
        (row0 * cross3(row1, row2)).sum()
    }

    public var trace: Double { row0.x + row1.y + row2.z }

    /// The largest absolute element, the ∞-norm of the matrix seen as a 9-vector.
    public var maxAbsElement: Double {
        rowMajor.reduce(0) { max($0, abs($1)) }
    }

    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((m.row0 * v).sum(), (m.row1 * v).sum(), (m.row2 * v).sum())
    }

    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        // Row i of a·b is Σ_k a[i,k] · row k of b.
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { r.x * b.row0 + r.y * b.row1 + r.z * b.row2 }
        return Matrix3(row0: row(a.row0), row1: row(a.row1), row2: row(a.row2))
    }

    public static func * (s: Double, m: Matrix3) -> Matrix3 {
        Matrix3(row0: s * m.row0, row1: s * m.row1, row2: s * m.row2)
    }

    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(row0: a.row0 + b.row0, row1: a.row1 + b.row1, row2: a.row2 + b.row2)
    }

    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(row0: a.row0 - b.row0, row1: a.row1 - b.row1, row2: a.row2 - b.row2)
    }
}

/// `a × b` for Double 3-vectors (the simd module is not available on Linux).
@inlinable
public func cross3(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// `a × b` for Float 3-vectors.
@inlinable
public func cross3(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// `a · b` for 3-vectors.
@inlinable
public func dot3<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> T {
    a.x * b.x + a.y * b.y + a.z * b.z
}

/// The Euclidean length of a 3-vector.
@inlinable
public func length3<T: BinaryFloatingPoint & SIMDScalar>(_ v: SIMD3<T>) -> T {
    (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot()
}
