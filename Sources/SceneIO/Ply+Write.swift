import Foundation

extension Ply {
    /// Writes `mesh` to `url` atomically, with standard property names that Open3D, MeshLab and
    /// CloudCompare read: `x y z`, `nx ny nz`, `red green blue [alpha]` (uchar), the extra scalars
    /// with their declared types, then `element face` with `property list uchar int vertex_indices`
    /// (omitted when the mesh has no faces).
    public static func write(_ mesh: PlyMesh, to url: URL, options: PlyWriteOptions = PlyWriteOptions()) throws(SceneIOError) {
        try validate(mesh, url: url)
        let vertex = vertexElement(for: mesh, options: options)
        var elements = [vertex]
        if !mesh.faces.isEmpty {
            elements.append(PlyElement(name: "face", count: mesh.triangleCount, properties: [
                PlyProperty(name: "vertex_indices", type: .int, listCountType: .uchar),
            ]))
        }
        let comments = mesh.comments.isEmpty ? ["written by ovseg3r"] : mesh.comments
        let headerText = PlyHeader.text(format: options.format, elements: elements, comments: comments)
        try AtomicFile.write(to: url) { (sink: inout FileSink) throws(SceneIOError) in
            try sink.write(contentsOf: Array(headerText.utf8))
            if options.format == .ascii {
                try sink.write(contentsOf: asciiBody(mesh, vertex: vertex))
            } else {
                try sink.write(contentsOf: binaryBody(mesh, vertex: vertex, swap: options.format == .binaryBigEndian))
            }
        }
    }

    private static func validate(_ mesh: PlyMesh, url: URL) throws(SceneIOError) {
        let n = mesh.vertexCount
        func check(_ field: String, _ count: Int) throws(SceneIOError) {
            guard count == 0 || count == n else {
                throw .plyInvalidMesh(url: url, field: field, expectedCount: n, actualCount: count)
            }
        }
        try check("colors", mesh.colors.count)
        try check("normals", mesh.normals.count)
        try check("alphas", mesh.alphas.count)
        if !mesh.alphas.isEmpty, mesh.colors.isEmpty {
            throw .plyInvalidMesh(url: url, field: "colors (required with alphas)", expectedCount: n, actualCount: 0)
        }
        let reserved: Set<String> = ["x", "y", "z", "nx", "ny", "nz", "red", "green", "blue", "alpha"]
        for scalar in mesh.scalars {
            guard scalar.values.count == n else {
                throw .plyInvalidMesh(url: url, field: "scalar '\(scalar.name)'", expectedCount: n, actualCount: scalar.values.count)
            }
            guard !scalar.name.isEmpty, !scalar.name.contains(where: \.isWhitespace), !reserved.contains(scalar.name) else {
                throw .plyUnsupported(url: url, reason: "scalar property name '\(scalar.name)' is empty, has whitespace or is reserved")
            }
        }
        guard mesh.faces.count % 3 == 0 else {
            throw .plyInvalidMesh(url: url, field: "faces (flat triangle indices)", expectedCount: mesh.faces.count / 3 * 3 + 3,
                                  actualCount: mesh.faces.count)
        }
        for (i, index) in mesh.faces.enumerated() where index < 0 || Int(index) >= n {
            throw .plyFaceIndexOutOfRange(url: url, face: i / 3, index: Int64(index), vertexCount: n)
        }
    }

    static func vertexElement(for mesh: PlyMesh, options: PlyWriteOptions) -> PlyElement {
        let positionType: PlyScalarType = options.doublePositions ? .double : .float
        var properties = ["x", "y", "z"].map { PlyProperty(name: $0, type: positionType) }
        if !mesh.normals.isEmpty { properties += ["nx", "ny", "nz"].map { PlyProperty(name: $0, type: .float) } }
        if !mesh.colors.isEmpty { properties += ["red", "green", "blue"].map { PlyProperty(name: $0, type: .uchar) } }
        if !mesh.alphas.isEmpty { properties.append(PlyProperty(name: "alpha", type: .uchar)) }
        properties += mesh.scalars.map { PlyProperty(name: $0.name, type: $0.type) }
        return PlyElement(name: "vertex", count: mesh.vertexCount, properties: properties)
    }

    // MARK: - Binary body

    private static func binaryBody(_ mesh: PlyMesh, vertex: PlyElement, swap: Bool) -> [UInt8] {
        let stride = vertex.fixedRecordSize ?? 0
        let n = mesh.vertexCount
        let total = n * stride + mesh.triangleCount * 13
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress.map(UnsafeMutableRawPointer.init) else { initialized = 0; return }
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            let positionType = vertex.properties[0].type
            for i in 0..<n {
                var p = base + i * stride
                let position = mesh.positions[i]
                for axis in 0..<3 {
                    storeBinary(positionType, Double(position[axis]), p, swap: swap)
                    p += positionType.size
                }
                if !mesh.normals.isEmpty {
                    let normal = mesh.normals[i]
                    for axis in 0..<3 { storeBinary(.float, Double(normal[axis]), p, swap: swap); p += 4 }
                }
                if !mesh.colors.isEmpty {
                    let color = mesh.colors[i]
                    p.storeBytes(of: color.x, as: UInt8.self)
                    p.storeBytes(of: color.y, toByteOffset: 1, as: UInt8.self)
                    p.storeBytes(of: color.z, toByteOffset: 2, as: UInt8.self)
                    p += 3
                }
                if !mesh.alphas.isEmpty { p.storeBytes(of: mesh.alphas[i], as: UInt8.self); p += 1 }
                for scalar in mesh.scalars {
                    storeBinary(scalar.type, scalar.values[i], p, swap: swap)
                    p += scalar.type.size
                }
            }
            let faces = base + n * stride
            for f in 0..<mesh.triangleCount {
                let p = faces + f * 13
                p.storeBytes(of: UInt8(3), as: UInt8.self)
                for k in 0..<3 {
                    let index = UInt32(bitPattern: mesh.faces[3 * f + k])
                    p.storeBytes(of: swap ? index.byteSwapped : index, toByteOffset: 1 + 4 * k, as: UInt32.self)
                }
            }
            initialized = total
        }
    }

    /// Stores `value` as one binary scalar of `type`; integers are clamped to the type's range.
    @inline(__always)
    static func storeBinary(_ type: PlyScalarType, _ value: Double, _ p: UnsafeMutableRawPointer, swap: Bool) {
        @inline(__always) func store<I: FixedWidthInteger>(_ v: I) {
            p.storeBytes(of: swap ? v.byteSwapped : v, as: I.self)
        }
        let integer = clampedInt64(value)
        switch type {
        case .char: store(UInt8(bitPattern: Int8(clamping: integer)))
        case .uchar: store(UInt8(clamping: integer))
        case .short: store(UInt16(bitPattern: Int16(clamping: integer)))
        case .ushort: store(UInt16(clamping: integer))
        case .int: store(UInt32(bitPattern: Int32(clamping: integer)))
        case .uint: store(UInt32(clamping: integer))
        case .float: store(Float(value).bitPattern)
        case .double: store(value.bitPattern)
        }
    }

    // MARK: - ASCII body

    private static func asciiBody(_ mesh: PlyMesh, vertex: PlyElement) -> [UInt8] {
        var text = ""
        text.reserveCapacity(mesh.vertexCount * 48 + mesh.triangleCount * 24)
        let doublePositions = vertex.properties[0].type == .double
        func number(_ value: Double, _ type: PlyScalarType) -> String {
            switch type {
            case .float: return "\(Float(value))"
            case .double: return "\(value)"
            default: return "\(clampedInt64(value))"
            }
        }
        for i in 0..<mesh.vertexCount {
            var fields: [String] = []
            let p = mesh.positions[i]
            for axis in 0..<3 { fields.append(doublePositions ? "\(Double(p[axis]))" : "\(p[axis])") }
            if !mesh.normals.isEmpty { for axis in 0..<3 { fields.append("\(mesh.normals[i][axis])") } }
            if !mesh.colors.isEmpty { for axis in 0..<3 { fields.append("\(mesh.colors[i][axis])") } }
            if !mesh.alphas.isEmpty { fields.append("\(mesh.alphas[i])") }
            for scalar in mesh.scalars { fields.append(number(scalar.values[i], scalar.type)) }
            text += fields.joined(separator: " ")
            text += "\n"
        }
        for f in 0..<mesh.triangleCount {
            text += "3 \(mesh.faces[3 * f]) \(mesh.faces[3 * f + 1]) \(mesh.faces[3 * f + 2])\n"
        }
        return Array(text.utf8)
    }
}
