import Foundation
import _TestSupport
import Testing
@testable import SceneIO

@Suite struct PlyErrorTests {
    static func readError(_ bytes: [UInt8], in dir: TemporaryDirectory) throws -> SceneIOError? {
        let url = dir.file("bad.ply")
        try Data(bytes).write(to: url)
        do {
            _ = try Ply.read(url)
            return nil
        } catch {
            #expect(error.description.contains(url.path))
            return error
        }
    }

    static func header(_ body: String) -> [UInt8] { Array(body.utf8) }

    @Test func corruptHeaders() throws {
        let dir = try TemporaryDirectory()
        let cases: [(String, Int)] = [
            ("plx\nformat ascii 1.0\nend_header\n", 1),
            ("ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n", 4),       // no end_header
            ("ply\nformat fancy 1.0\nend_header\n", 2),
            ("ply\nformat ascii 2.0\nend_header\n", 2),
            ("ply\nformat ascii 1.0\nelement vertex -3\nend_header\n", 3),
            ("ply\nformat ascii 1.0\nproperty float x\nend_header\n", 3),
            ("ply\nformat ascii 1.0\nelement vertex 1\nproperty quad x\nend_header\n", 4),
            ("ply\nformat ascii 1.0\nelement vertex 1\nbanana\nend_header\n", 4),
        ]
        for (text, line) in cases {
            let error = try Self.readError(Self.header(text), in: dir)
            guard case let .plyMalformedHeader(_, reportedLine, _)? = error else {
                Issue.record("expected malformed header for \(text.debugDescription), got \(String(describing: error))"); continue
            }
            #expect(reportedLine == line, "\(text.debugDescription)")
        }
    }

    @Test func missingPositionProperty() throws {
        let dir = try TemporaryDirectory()
        let error = try Self.readError(Self.header("ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nend_header\n1 2\n"), in: dir)
        #expect(error == .plyMissingProperty(url: dir.file("bad.ply"), element: "vertex", property: "z"))
    }

    @Test func truncatedBinaryBodies() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("good.ply")
        try Ply.write(sampleMesh(vertices: 10), to: url)
        let bytes = try [UInt8](Data(contentsOf: url))
        let bodyOffset = try Ply.readHeader(url).bodyOffset
        // Cut inside the vertices, then inside the faces.
        let inVertices = try Self.readError(Array(bytes.prefix(bodyOffset + 100)), in: dir)
        guard case .plyTruncated(_, "vertex", _, 10)? = inVertices else { Issue.record("\(String(describing: inVertices))"); return }
        let inFaces = try Self.readError(Array(bytes.dropLast(7)), in: dir)
        #expect(inFaces == .plyTruncated(url: dir.file("bad.ply"), element: "face", record: 19, of: 20))
    }

    @Test func truncatedAndBadASCII() throws {
        let dir = try TemporaryDirectory()
        let head = "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
        #expect(try Self.readError(Self.header(head + "1 2 3\n4 5\n"), in: dir)
                == .plyTruncated(url: dir.file("bad.ply"), element: "vertex", record: 1, of: 2))
        #expect(try Self.readError(Self.header(head + "1 2 3\n4 five 6\n"), in: dir)
                == .plyBadValue(url: dir.file("bad.ply"), element: "vertex", record: 1, property: "y", token: "five"))
    }

    @Test func faceIndicesOutOfRangeOnRead() throws {
        let dir = try TemporaryDirectory()
        let head = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 2\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n"
        #expect(try Self.readError(Self.header(head + "3 0 1 2\n3 0 1 3\n"), in: dir)
                == .plyFaceIndexOutOfRange(url: dir.file("bad.ply"), face: 1, index: 3, vertexCount: 3))
        #expect(try Self.readError(Self.header(head + "3 0 1 2\n3 -1 1 2\n"), in: dir)
                == .plyFaceIndexOutOfRange(url: dir.file("bad.ply"), face: 1, index: -1, vertexCount: 3))
        #expect(try Self.readError(Self.header(head + "2 0 1\n3 0 1 2\n"), in: dir)
                == .plyDegenerateFace(url: dir.file("bad.ply"), face: 0, cornerCount: 2))
        // The same checks on a binary body.
        var mesh = sampleMesh(vertices: 5)
        let url = dir.file("bin.ply")
        try Ply.write(mesh, to: url)
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[bytes.count - 4] = 9  // last corner of the last face → vertex 9
        bytes[bytes.count - 3] = 0; bytes[bytes.count - 2] = 0; bytes[bytes.count - 1] = 0
        #expect(try Self.readError(bytes, in: dir)
                == .plyFaceIndexOutOfRange(url: dir.file("bad.ply"), face: 9, index: 9, vertexCount: 5))
        mesh.faces[4] = 5
        #expect(throws: SceneIOError.plyFaceIndexOutOfRange(url: url, face: 1, index: 5, vertexCount: 5)) {
            try Ply.write(mesh, to: url)
        }
    }

    @Test func inconsistentMeshIsRefusedByTheWriter() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("w.ply")
        var mesh = sampleMesh(vertices: 4)
        mesh.colors.removeLast()
        #expect(throws: SceneIOError.plyInvalidMesh(url: url, field: "colors", expectedCount: 4, actualCount: 3)) {
            try Ply.write(mesh, to: url)
        }
        mesh = sampleMesh(vertices: 4)
        mesh.faces.removeLast()
        #expect(throws: SceneIOError.self) { try Ply.write(mesh, to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(leftovers.isEmpty)
    }
}

@Suite struct PlyHostileInputTests {
    /// Values that would trap a naive Double → Int conversion must come back as typed errors.
    @Test func hugeOrFloatIndicesAreErrorsNotCrashes() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("hostile.ply")
        let head = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
        let cases: [(String, String)] = [
            ("element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n1e30 0 1 2\n", "1e+30"),
            ("element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 9e40\n", "9e+40"),
            ("element face 1\nproperty list uchar float vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 nan\n", "float"),
        ]
        for (text, mention) in cases {
            try Data((head + text).utf8).write(to: url)
            #expect(performing: { try Ply.read(url) }, throws: { error in
                guard let error = error as? SceneIOError else { return false }
                return "\(error)".contains(url.path) && "\(error)".contains(mention)
            })
        }
        let scalar = PlyScalarProperty(name: "s", type: .double, values: [1e300, -.infinity, .nan, -7.9])
        #expect(scalar.int32s() == [.max, .min, 0, -7])
    }
}
