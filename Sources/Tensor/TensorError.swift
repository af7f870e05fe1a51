/// Errors raised by tensor operations on user-supplied shapes and files.
public enum TensorError: Error, Equatable {
    /// An operation got a tensor of the wrong shape.
    case shapeMismatch(op: String, expected: [Int], actual: [Int])
    /// A tensor was built from a value array whose length is not the product of the shape.
    case elementCountMismatch(op: String, shape: [Int], count: Int)
    /// A file could not be read or written.
    case fileUnreadable(path: String, reason: String)
    case fileUnwritable(path: String, reason: String)
    /// A safetensors file is malformed.
    case invalidSafetensors(path: String, reason: String)
    /// A tensor the caller asked for is not in the file.
    case missingTensor(name: String, path: String)
    /// A safetensors dtype this library does not read (it reads F32, F16, BF16, F64).
    case unsupportedDType(name: String, dtype: String, path: String)
    /// A sparse voxel set would be empty (no point inside the crop): `field` names what was voxelised.
    case emptyVoxelSet(field: String)
    /// Voxelising gave more voxels than the configured cap `field` allows.
    case tooManyVoxels(field: String, voxels: Int, cap: Int)
    /// A voxel coordinate lies outside the ±2²⁰ range the voxel hash packs (`field` names the input, `index` the point).
    case voxelCoordinateOutOfRange(field: String, index: Int, value: Int)
    /// A sparse convolution got features or weights whose channel counts do not fit.
    case channelMismatch(op: String, expected: Int, actual: Int)
}
