// swift-tools-version:6.0
// ovseg3r: RGB-D video → training scenes → SegDINO3D-VL with VIP → open-vocabulary 3D instance AP.
// Layers (bottom to top): CBridge → Geometry → SceneIO → (SceneSynth, Recon) → IBSp → VIP;
// separately Tensor → SegDINO3D → Train, and Tensor → TextEncoder. Eval depends on Geometry and SceneIO only.
import PackageDescription

// MARK: - Build settings shared by the numeric targets

/// Only the hot numeric kernels run without bounds and overflow checks in release builds: tensor kernels, the
/// superpoint graph, and the geometry and reconstruction loops (kNN, normals, odometry front end, correspondences),
/// which BENCHMARKS.md ("-Ounchecked only where it pays") shows need it. Readers and writers (SceneIO), training
/// and evaluation orchestration, the model, VIP and the executable keep their checks, so a bad index in untrusted
/// input traps instead of corrupting memory. Debug builds keep every check everywhere.
let uncheckedKernels: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "ovseg3r",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ovseg3r", targets: ["ovseg3r"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries and the C++ bridge

        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CImageCodecs", path: "Sources/CImageCodecs",
                cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg"), .linkedLibrary("z")]),
        .target(name: "CBridge", path: "CBridge",
                cxxSettings: [.unsafeFlags(["-I/usr/include/eigen3", "-O2", "-DNDEBUG"])],
                linkerSettings: [.linkedLibrary("ceres"), .linkedLibrary("glog"), .linkedLibrary("stdc++")]),

        // OpenMPI loaded at run time (dlopen), so the binary builds and runs without it; see CMPIShim.h.
        .target(name: "CMPIShim", path: "Sources/CMPIShim", cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("dl")]),
        // The ranks of an `mpirun` job; the executable adapts it to Train's `GradientReducer`.
        .target(name: "ProcessGroup", dependencies: ["CMPIShim"]),

        // MARK: - The base of both layer stacks (seeded RNG, terminal progress)

        .target(name: "Support"),

        // MARK: - Geometry and file formats

        .target(name: "Geometry", dependencies: ["CBridge", "Support"], swiftSettings: uncheckedKernels),
        .target(name: "SceneIO", dependencies: ["Geometry", "CImageCodecs"]),
        .target(name: "SceneSynth", dependencies: ["Geometry", "SceneIO"]),

        // MARK: - Reconstruction

        .target(name: "Recon", dependencies: ["Geometry", "SceneIO", "CBridge", "Support"], swiftSettings: uncheckedKernels),

        // MARK: - Superpoints and lifting

        // Header-only C helpers of IBSp (software prefetch for the union–find).
        .target(name: "CFastPaths", path: "Sources/CFastPaths"),
        .target(name: "IBSp", dependencies: ["Geometry", "SceneIO", "CFastPaths", "Support"], swiftSettings: uncheckedKernels),
        .target(name: "VIP", dependencies: ["Geometry", "SceneIO", "IBSp"]),

        // MARK: - Learning

        .target(name: "Tensor", dependencies: ["COpenBLAS", "Support"], swiftSettings: uncheckedKernels),
        .target(name: "SegDINO3D", dependencies: ["Tensor", "Support"]),
        // all-MiniLM-L6-v2 inference (tokenizer + encoder) on memory-mapped weights.
        .target(name: "TextEncoder", dependencies: ["Tensor", "COpenBLAS"]),
        .target(name: "Train", dependencies: ["SegDINO3D", "Tensor", "VIP", "SceneIO", "Geometry"]),

        // MARK: - Evaluation

        .target(name: "Eval", dependencies: ["Geometry", "SceneIO", "Support"]),

        // MARK: - The command

        .executableTarget(name: "ovseg3r", dependencies: [
            "Geometry", "SceneIO", "Tensor", "Eval", "SceneSynth", "Recon", "IBSp", "VIP", "SegDINO3D", "Train", "ProcessGroup",
            "TextEncoder",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Tests

        .target(name: "_TestSupport", dependencies: ["Support"], path: "Tests/_TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry", "CBridge"]),
        .testTarget(name: "SceneIOTests", dependencies: ["SceneIO", "Geometry", "_TestSupport"]),
        .testTarget(name: "ReconTests", dependencies: ["Recon", "SceneSynth", "SceneIO", "Geometry", "CBridge", "CImageCodecs", "_TestSupport"]),
        .testTarget(name: "SceneSynthTests", dependencies: ["SceneSynth", "SceneIO", "Geometry", "_TestSupport"]),
        .testTarget(name: "IBSpTests", dependencies: ["IBSp", "SceneIO", "Geometry"]),
        .testTarget(name: "VIPTests", dependencies: ["VIP", "IBSp", "SceneIO", "SceneSynth", "Recon", "Geometry", "_TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "_TestSupport"]),
        .testTarget(name: "TextEncoderTests", dependencies: ["TextEncoder", "Tensor", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SegDINO3DTests", dependencies: ["SegDINO3D", "Tensor"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "SegDINO3D", "Tensor", "VIP", "SceneIO", "Geometry", "Eval", "_TestSupport"]),
        .testTarget(name: "EvalTests", dependencies: ["Eval", "SceneIO", "Geometry", "_TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["SceneIO", "_TestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
