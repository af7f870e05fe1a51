import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses an ASCII PLY body as a stream of whitespace-separated tokens (records need not be one
/// per line). Expects `raw` to end with a NUL byte so `strtod` stops at the end of the buffer.
struct PlyASCIIReader {
    let raw: UnsafeRawBufferPointer
    let header: PlyHeader
    let url: URL
    private var cursor: Int

    init(raw: UnsafeRawBufferPointer, header: PlyHeader, url: URL) {
        self.raw = raw
        self.header = header
        self.url = url
        self.cursor = header.bodyOffset
    }

    /// Reads the next token as a number; nil at end of body, throws on a malformed token.
    private mutating func next(element: String, record: Int, property: String) throws(SceneIOError) -> Double? {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
        let end = raw.count - 1  // the NUL terminator
        while cursor < end, isSpace(raw[cursor]) { cursor += 1 }
        guard cursor < end else { return nil }
        var stop: UnsafeMutablePointer<CChar>?
        let value = strtod(base + cursor, &stop)
        let consumed = stop.map { UnsafePointer($0) - (base + cursor) } ?? 0
        let after = cursor + consumed
        guard consumed > 0, after >= end || isSpace(raw[after]) else {
            var tokenEnd = cursor
            while tokenEnd < end, !isSpace(raw[tokenEnd]) { tokenEnd += 1 }
            let token = String(decoding: UnsafeRawBufferPointer(rebasing: raw[cursor..<min(tokenEnd, cursor + 40)]), as: UTF8.self)
            throw .plyBadValue(url: url, element: element, record: record, property: property, token: token)
        }
        cursor = after
        return value
    }

    @inline(__always)
    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09
    }

    private mutating func value(
        _ element: PlyElement, _ record: Int, _ property: PlyProperty, integer: Bool
    ) throws(SceneIOError) -> Double {
        guard let v = try next(element: element.name, record: record, property: property.name) else {
            throw .plyTruncated(url: url, element: element.name, record: record, of: element.count)
        }
        // Integers must be whole and small enough to convert without trapping (|v| ≤ 2^53).
        if integer, v.rounded() != v || abs(v) > 0x1p53 {
            throw .plyBadValue(url: url, element: element.name, record: record, property: property.name, token: "\(v)")
        }
        return v
    }

    mutating func readMesh() throws(SceneIOError) -> PlyMesh {
        let vertexCount = header.element(named: "vertex")?.count ?? 0
        var columns = ASCIIColumns(values: [:])
        var faces: [Int32] = []
        for element in header.elements {
            let isVertex = element.name == "vertex", isFace = element.name == "face"
            let indexProperty = isFace
                ? Ply.faceIndexNames.first(where: { element.property(named: $0)?.listCountType != nil }) : nil
            if isFace, element.count > 0, indexProperty == nil {
                throw .plyMissingProperty(url: url, element: "face", property: "vertex_indices")
            }
            var vertexValues = isVertex ? element.properties.map { _ in [Double](repeating: 0, count: element.count) } : []
            var builder = FaceBuilder(url: url, vertexCount: vertexCount, expectedFaces: isFace ? element.count : 0)
            var corners: [Int64] = []
            for record in 0..<element.count {
                for (p, property) in element.properties.enumerated() {
                    guard property.listCountType != nil else {
                        var v = try value(element, record, property, integer: property.type.isInteger)
                        // A float property holds what a binary file would: the value rounded to Float.
                        if property.type == .float { v = Double(Float(v)) }
                        if isVertex { vertexValues[p][record] = v }
                        continue
                    }
                    let n = Int(try value(element, record, property, integer: true))
                    guard n >= 0 else {
                        throw .plyBadValue(url: url, element: element.name, record: record, property: property.name, token: "\(n)")
                    }
                    corners.removeAll(keepingCapacity: true)
                    for _ in 0..<n {
                        corners.append(Int64(try value(element, record, property, integer: property.type.isInteger)))
                    }
                    if property.name == indexProperty {
                        try builder.addPolygon(count: n) { corners[$0] }
                    }
                }
            }
            if isVertex {
                for (p, property) in element.properties.enumerated() { columns.values[property.name] = vertexValues[p] }
            }
            if isFace { faces = builder.triangles }
        }
        guard let vertex = header.element(named: "vertex") else {
            throw .plyMissingProperty(url: url, element: "vertex", property: "element vertex")
        }
        return columns.mesh(element: vertex, faces: faces, comments: header.comments)
    }
}

struct ASCIIColumns: PlyVertexColumns {
    var values: [String: [Double]]
    func floats(_ name: String) -> [Float] { (values[name] ?? []).map { Float($0) } }
    func bytes(_ name: String) -> [UInt8] { (values[name] ?? []).map { UInt8(clamping: Int($0)) } }
    func doubles(_ name: String) -> [Double] { values[name] ?? [] }
}
