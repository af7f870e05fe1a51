import Foundation
import _TestSupport
import Testing
@testable import SceneIO

/// `plyfile` is the PLY reader of ScanNet tooling and most PyTorch 3D research code; files must
/// cross between it and us in both directions. tools/setup.sh installs it.
@Suite struct PlyfileInteropTests {
    @Test(arguments: [PlyFormat.binaryLittleEndian, .ascii, .binaryBigEndian])
    func plyfileReadsWhatWeWrite(format: PlyFormat) throws {
        let dir = try TemporaryDirectory()
        let mesh = sampleMesh(vertices: 30)
        let url = dir.file("ours.ply")
        try Ply.write(mesh, to: url, options: PlyWriteOptions(format: format))
        let out = try Python.check("""
        import sys
        from plyfile import PlyData
        ply = PlyData.read(sys.argv[1])
        v, f = ply['vertex'], ply['face']
        print(len(v.data), len(f.data), repr(float(v['x'][3])), int(v['red'][3]), int(v['alpha'][3]),
              repr(float(v['nx'][3])), int(v['label'][3]), int(v['instance'][3]), int(v['tiny'][3]),
              ' '.join(str(int(i)) for i in f['vertex_indices'][5]))
        """, arguments: [url.path])
        let fields = out.split(whereSeparator: \.isWhitespace).map(String.init)
        try #require(fields.count == 12, "plyfile printed: \(out)")
        #expect(fields[0] == "30" && fields[1] == "60")
        #expect(Float(fields[2]) == mesh.positions[3].x)
        #expect(fields[3] == "\(mesh.colors[3].x)" && fields[4] == "\(mesh.alphas[3])")
        #expect(Float(fields[5]) == mesh.normals[3].x)
        #expect(fields[6] == "\(Int(mesh.scalar(named: "label")?.values[3] ?? -999))")
        #expect(fields[7] == "\(Int(mesh.scalar(named: "instance")?.values[3] ?? -999))")
        #expect(fields[8] == "\(Int(mesh.scalar(named: "tiny")?.values[3] ?? -999))")
        #expect(Array(fields[9...11]) == mesh.faces[15..<18].map { "\($0)" })
    }

    @Test func weReadWhatPlyfileWrites() throws {
        let dir = try TemporaryDirectory()
        // ScanNet's *_vh_clean_2.labels.ply layout: uchar colors + ushort label, int32 vertex_indices,
        // plus a quad written with a uint index type and a face property before the list.
        try Python.check("""
        import sys, numpy as np
        from plyfile import PlyData, PlyElement
        v = np.array([(0, 0, 0, 255, 0, 0, 255, 5), (1, 0, 0, 0, 255, 0, 255, 7), (1, 1, 0, 0, 0, 255, 255, 9),
                      (0, 1, 0.5, 9, 9, 9, 255, 11)],
                     dtype=[('x', 'f4'), ('y', 'f4'), ('z', 'f4'), ('red', 'u1'), ('green', 'u1'), ('blue', 'u1'),
                            ('alpha', 'u1'), ('label', 'u2')])
        f = np.array([(3, [0, 1, 2]), (1, [0, 2, 3])], dtype=[('flags', 'u1'), ('vertex_indices', 'i4', (3,))])
        PlyData([PlyElement.describe(v, 'vertex'), PlyElement.describe(f, 'face')]).write(sys.argv[1] + '/tri.ply')
        quad = np.empty(1, dtype=[('vertex_index', 'O')]); quad['vertex_index'][0] = np.array([0, 1, 2, 3], 'u4')
        PlyData([PlyElement.describe(v, 'vertex'), PlyElement.describe(quad, 'face', len_types={'vertex_index': 'u1'},
                 val_types={'vertex_index': 'u4'})], text=True).write(sys.argv[1] + '/quad.ply')
        """, arguments: [dir.url.path])
        let tri = try Ply.read(dir.file("tri.ply"))
        #expect(tri.faces == [0, 1, 2, 0, 2, 3])
        #expect(tri.colors[1] == SIMD3(0, 255, 0) && tri.alphas == [255, 255, 255, 255])
        #expect(tri.positions[3] == SIMD3(0, 1, 0.5))
        #expect(tri.scalar(named: "label")?.type == .ushort)
        #expect(tri.scalar(named: "label")?.int32s() == [5, 7, 9, 11])
        let quad = try Ply.read(dir.file("quad.ply"))
        #expect(quad.faces == [0, 1, 2, 0, 2, 3])
        #expect(quad.scalar(named: "label")?.values == [5, 7, 9, 11])
    }
}
