import Foundation

extension Ply {
    /// Names accepted for the face index list, in order of preference.
    static let faceIndexNames = ["vertex_indices", "vertex_index"]

    /// Reads a PLY mesh or point cloud (ASCII, binary little- or big-endian).
    ///
    /// Vertex `x y z` (float or double) are required; `red green blue [alpha]` (uchar) become
    /// `colors`/`alphas`, `nx ny nz` (float or double) become `normals`, every other vertex scalar
    /// property goes to `scalars`. Faces (`vertex_indices` or `vertex_index` lists) are
    /// fan-triangulated. Elements other than `vertex` and `face`, and extra face properties, are skipped.
    public static func read(_ url: URL) throws(SceneIOError) -> PlyMesh {
        let file = try PosixFile(reading: url)
        var bytes = try file.readAll()
        let header = try bytes.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) in try PlyHeader.parse(raw, url: url) }
        }.get()
        try header.checkCounts(bodyBytes: max(0, bytes.count - header.bodyOffset), url: url)
        guard let vertex = header.element(named: "vertex") else {
            throw .plyMissingProperty(url: url, element: "vertex", property: "element vertex")
        }
        for name in ["x", "y", "z"] where vertex.property(named: name) == nil {
            throw .plyMissingProperty(url: url, element: "vertex", property: name)
        }
        if let list = vertex.properties.first(where: { $0.listCountType != nil }) {
            throw .plyUnsupported(url: url, reason: "vertex list property '\(list.name)'")
        }
        if let face = header.element(named: "face"),
           let indices = faceIndexNames.lazy.compactMap({ face.property(named: $0) }).first(where: { $0.listCountType != nil }),
           !indices.type.isInteger {
            throw .plyUnsupported(url: url, reason: "face indices of type \(indices.type.rawValue) (expected an integer type)")
        }
        if header.format == .ascii { bytes.append(0) }  // strtod needs a terminator after the last token
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(SceneIOError) -> PlyMesh in
                var reader = PlyBodyReader(raw: raw, header: header, url: url)
                return try reader.readMesh()
            }
        }
        return try result.get()
    }
}

/// Collects polygons as fan triangles, checking every index against the vertex count.
struct FaceBuilder {
    let url: URL
    let vertexCount: Int
    var triangles: [Int32] = []
    var faceIndex = 0

    init(url: URL, vertexCount: Int, expectedFaces: Int) {
        self.url = url
        self.vertexCount = vertexCount
        triangles.reserveCapacity(expectedFaces * 3)
    }

    @inline(__always)
    private func checked(_ index: Int64) throws(SceneIOError) -> Int32 {
        guard index >= 0, index < Int64(vertexCount) else {
            throw .plyFaceIndexOutOfRange(url: url, face: faceIndex, index: index, vertexCount: vertexCount)
        }
        return Int32(truncatingIfNeeded: index)
    }

    /// Adds one polygon with `count` corners whose indices `corner(k)` returns.
    @inline(__always)
    mutating func addPolygon(count: Int, corner: (Int) -> Int64) throws(SceneIOError) {
        guard count >= 3 else { throw .plyDegenerateFace(url: url, face: faceIndex, cornerCount: count) }
        let first = try checked(corner(0))
        var previous = try checked(corner(1))
        for k in 2..<count {
            let next = try checked(corner(k))
            triangles.append(first)
            triangles.append(previous)
            triangles.append(next)
            previous = next
        }
        faceIndex += 1
    }
}

/// Gives the per-property columns of the vertex element, whatever the body encoding.
protocol PlyVertexColumns {
    func floats(_ name: String) -> [Float]
    func bytes(_ name: String) -> [UInt8]
    func doubles(_ name: String) -> [Double]
    /// Three float columns zipped into vectors, e.g. ("x", "y", "z").
    func floatTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<Float>]
    /// Three byte columns zipped into vectors, e.g. ("red", "green", "blue").
    func byteTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<UInt8>]
}

extension PlyVertexColumns {
    func floatTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<Float>] {
        zipTriples(floats(a), floats(b), floats(c))
    }

    func byteTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<UInt8>] {
        zipTriples(bytes(a), bytes(b), bytes(c))
    }
}

func zipTriples<T: SIMDScalar>(_ a: [T], _ b: [T], _ c: [T]) -> [SIMD3<T>] {
    (0..<a.count).map { SIMD3(a[$0], b[$0], c[$0]) }
}

extension PlyVertexColumns {
    /// Builds the mesh from the vertex columns of `element` and already-parsed faces.
    func mesh(element: PlyElement, faces: [Int32], comments: [String]) -> PlyMesh {
        let has = { (name: String) in element.property(named: name) != nil }
        var mesh = PlyMesh(positions: floatTriples("x", "y", "z"), faces: faces, comments: comments)
        var consumed: Set<String> = ["x", "y", "z"]
        let colorNames = ["red", "green", "blue"]
        if colorNames.allSatisfy({ element.property(named: $0)?.type == .uchar }) {
            mesh.colors = byteTriples("red", "green", "blue")
            consumed.formUnion(colorNames)
            if element.property(named: "alpha")?.type == .uchar {
                mesh.alphas = bytes("alpha")
                consumed.insert("alpha")
            }
        }
        let normalNames = ["nx", "ny", "nz"]
        if normalNames.allSatisfy(has),
           normalNames.allSatisfy({ element.property(named: $0)?.type.isInteger == false }) {
            mesh.normals = floatTriples("nx", "ny", "nz")
            consumed.formUnion(normalNames)
        }
        for property in element.properties where !consumed.contains(property.name) {
            mesh.scalars.append(PlyScalarProperty(name: property.name, type: property.type, values: doubles(property.name)))
        }
        return mesh
    }
}

/// Walks the body of a PLY file held in memory.
struct PlyBodyReader {
    let raw: UnsafeRawBufferPointer
    let header: PlyHeader
    let url: URL

    mutating func readMesh() throws(SceneIOError) -> PlyMesh {
        if header.format == .ascii {
            var ascii = PlyASCIIReader(raw: raw, header: header, url: url)
            return try ascii.readMesh()
        }
        let swap = header.format == .binaryBigEndian
        var cursor = header.bodyOffset
        var vertexColumns: BinaryColumns?
        var faces: [Int32] = []
        let vertexCount = header.element(named: "vertex")?.count ?? 0
        for element in header.elements {
            if let stride = element.fixedRecordSize {
                let available = raw.count - cursor
                guard available >= element.count * stride else {
                    throw .plyTruncated(url: url, element: element.name, record: available / max(stride, 1), of: element.count)
                }
                if element.name == "vertex" {
                    vertexColumns = BinaryColumns(
                        base: raw.baseAddress.map { UnsafeRawPointer($0) + cursor }, element: element, stride: stride, swap: swap)
                }
                if element.name == "face", element.count > 0 {
                    throw .plyMissingProperty(url: url, element: "face", property: "vertex_indices")
                }
                cursor += element.count * stride
            } else {
                var builder = FaceBuilder(url: url, vertexCount: vertexCount, expectedFaces: element.name == "face" ? element.count : 0)
                cursor = try walkListElement(element, from: cursor, swap: swap, faces: &builder)
                if element.name == "face" { faces = builder.triangles }
            }
        }
        guard let vertex = header.element(named: "vertex"), let vertexColumns else {
            throw .plyMissingProperty(url: url, element: "vertex", property: "element vertex")
        }
        return vertexColumns.mesh(element: vertex, faces: faces, comments: header.comments)
    }

    /// Walks the records of an element with list properties; feeds face index lists to `faces`.
    private func walkListElement(
        _ element: PlyElement, from start: Int, swap: Bool, faces: inout FaceBuilder
    ) throws(SceneIOError) -> Int {
        guard let base = raw.baseAddress else { return start }
        let end = raw.count
        let indexProperty = element.name == "face"
            ? Ply.faceIndexNames.first(where: { element.property(named: $0)?.listCountType != nil }) : nil
        if element.name == "face", element.count > 0, indexProperty == nil {
            throw .plyMissingProperty(url: url, element: "face", property: "vertex_indices")
        }
        if let indexProperty, element.properties.count == 1, !swap,
           let end = triangleFastPath(element, property: indexProperty, from: start, faces: &faces) {
            return end
        }
        var cursor = start
        for record in 0..<element.count {
            for property in element.properties {
                guard let countType = property.listCountType else {
                    guard cursor + property.type.size <= end else {
                        throw .plyTruncated(url: url, element: element.name, record: record, of: element.count)
                    }
                    cursor += property.type.size
                    continue
                }
                guard cursor + countType.size <= end else {
                    throw .plyTruncated(url: url, element: element.name, record: record, of: element.count)
                }
                let n = Int(loadBinary(countType, base + cursor, swap: swap))
                cursor += countType.size
                let itemSize = property.type.size
                guard n >= 0, cursor + n * itemSize <= end else {
                    throw .plyTruncated(url: url, element: element.name, record: record, of: element.count)
                }
                if property.name == indexProperty {
                    let first = base + cursor
                    let type = property.type
                    try faces.addPolygon(count: n) { k in Int64(loadBinary(type, first + k * itemSize, swap: swap)) }
                }
                cursor += n * itemSize
            }
        }
        return cursor
    }
}

extension PlyBodyReader {
    /// The layout almost every writer produces: faces are only `list uchar int|uint` with 3 corners,
    /// 13 bytes each. Decodes them in one tight loop; returns nil (and leaves `faces` untouched) at
    /// the first record that does not fit, so that the general walk reports any error precisely.
    func triangleFastPath(_ element: PlyElement, property name: String, from start: Int, faces: inout FaceBuilder) -> Int? {
        guard let property = element.property(named: name), property.listCountType == .uchar,
              property.type == .int || property.type == .uint, let base = raw.baseAddress else { return nil }
        let count = element.count
        guard start + count * 13 <= raw.count else { return nil }
        let limit = UInt32(truncatingIfNeeded: faces.vertexCount)
        var complete = true
        let triangles = [Int32](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            for f in 0..<count {
                let p = base + start + f * 13
                let i0 = p.loadUnaligned(fromByteOffset: 1, as: UInt32.self)
                let i1 = p.loadUnaligned(fromByteOffset: 5, as: UInt32.self)
                let i2 = p.loadUnaligned(fromByteOffset: 9, as: UInt32.self)
                // Unsigned comparison also rejects negative int indices.
                guard p.load(as: UInt8.self) == 3, i0 < limit, i1 < limit, i2 < limit else { complete = false; break }
                buffer[3 * f] = Int32(bitPattern: i0)
                buffer[3 * f + 1] = Int32(bitPattern: i1)
                buffer[3 * f + 2] = Int32(bitPattern: i2)
            }
            initialized = complete ? count * 3 : 0
        }
        guard complete else { return nil }
        faces.triangles = triangles
        faces.faceIndex = count
        return start + count * 13
    }
}

/// One binary scalar as `Double` (exact for every PLY type).
@inline(__always)
func loadBinary(_ type: PlyScalarType, _ p: UnsafeRawPointer, swap: Bool) -> Double {
    @inline(__always) func load<I: FixedWidthInteger>(_: I.Type) -> I {
        let v = p.loadUnaligned(as: I.self)
        return swap ? v.byteSwapped : v
    }
    switch type {
    case .char: return Double(Int8(bitPattern: load(UInt8.self)))
    case .uchar: return Double(load(UInt8.self))
    case .short: return Double(Int16(bitPattern: load(UInt16.self)))
    case .ushort: return Double(load(UInt16.self))
    case .int: return Double(Int32(bitPattern: load(UInt32.self)))
    case .uint: return Double(load(UInt32.self))
    case .float: return Double(Float(bitPattern: load(UInt32.self)))
    case .double: return Double(bitPattern: load(UInt64.self))
    }
}

/// Column access into a fixed-stride binary element.
struct BinaryColumns: PlyVertexColumns {
    let base: UnsafeRawPointer?
    let element: PlyElement
    let stride: Int
    let swap: Bool

    private func offset(of name: String) -> (Int, PlyScalarType)? {
        var offset = 0
        for property in element.properties {
            if property.name == name { return (offset, property.type) }
            offset += property.type.size
        }
        return nil
    }

    /// Decodes one column, with the type switch outside the loop so each loop is a plain strided load.
    private func column<T>(_ name: String, _ convert: (Double) -> T) -> [T] {
        guard let (offset, type) = offset(of: name), let base else { return [] }
        let count = element.count, stride = self.stride, swap = self.swap
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            switch type {
            case .float where !swap:
                for i in 0..<count {
                    buffer[i] = convert(Double(base.loadUnaligned(fromByteOffset: i * stride + offset, as: Float.self)))
                }
            case .uchar:
                for i in 0..<count {
                    buffer[i] = convert(Double(base.load(fromByteOffset: i * stride + offset, as: UInt8.self)))
                }
            default:
                for i in 0..<count { buffer[i] = convert(loadBinary(type, base + i * stride + offset, swap: swap)) }
            }
            initialized = count
        }
    }

    func floats(_ name: String) -> [Float] { column(name) { Float($0) } }

    /// One pass over the records for the common little-endian float case (positions, normals).
    func floatTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<Float>] {
        guard !swap, let base, let (oa, ta) = offset(of: a), let (ob, tb) = offset(of: b), let (oc, tc) = offset(of: c),
              ta == .float, tb == .float, tc == .float else {
            return zipTriples(floats(a), floats(b), floats(c))
        }
        let count = element.count, stride = self.stride
        return [SIMD3<Float>](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            for i in 0..<count {
                let p = base + i * stride
                buffer[i] = SIMD3(p.loadUnaligned(fromByteOffset: oa, as: Float.self),
                                  p.loadUnaligned(fromByteOffset: ob, as: Float.self),
                                  p.loadUnaligned(fromByteOffset: oc, as: Float.self))
            }
            initialized = count
        }
    }

    func byteTriples(_ a: String, _ b: String, _ c: String) -> [SIMD3<UInt8>] {
        guard let base, let (oa, _) = offset(of: a), let (ob, _) = offset(of: b), let (oc, _) = offset(of: c) else {
            return []
        }
        let count = element.count, stride = self.stride
        return [SIMD3<UInt8>](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                let p = base + i * stride
                buffer[i] = SIMD3(p.load(fromByteOffset: oa, as: UInt8.self), p.load(fromByteOffset: ob, as: UInt8.self),
                                  p.load(fromByteOffset: oc, as: UInt8.self))
            }
            initialized = count
        }
    }
    func bytes(_ name: String) -> [UInt8] { column(name) { UInt8(clamping: Int($0)) } }
    func doubles(_ name: String) -> [Double] { column(name) { $0 } }
}
