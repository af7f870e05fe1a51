import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process-wide cache of tensor buffers keyed by size class.
///
/// Training repeats the same shapes every step, so a freed buffer is almost always the right size for a request
/// a few microseconds later. Keeping freed buffers here avoids glibc's mmap/munmap round trip for large blocks
/// (which re-faults every page each step; see swift-platform-notes §5) and keeps memory flat across steps.
///
/// Invariants: `liveBytes` counts buffers handed out and not yet returned; `cachedBytes` counts buffers held for
/// reuse and never exceeds `maxCachedBytes`. Size classes are 64-byte multiples up to 4 KiB, then 2^k and 1.5·2^k,
/// so a request wastes at most a third of its size.
public final class BufferPool: Sendable {
    /// The pool used by every tensor.
    public static let shared = BufferPool()

    struct State {
        var free: [Int: [Int]] = [:]      // size class → buffer addresses (bit patterns)
        var liveBytes = 0
        var cachedBytes = 0
        var peakLiveBytes = 0
        var maxCachedBytes = 4 << 30
    }

    private let state = Mutex(State())

    /// A snapshot of the pool's counters (bytes).
    public struct Statistics: Sendable, Equatable {
        public var liveBytes: Int
        public var cachedBytes: Int
        public var peakLiveBytes: Int
        /// Everything the pool holds from malloc: live plus cached.
        public var totalBytes: Int { liveBytes + cachedBytes }
    }

    public var statistics: Statistics {
        state.withLock { Statistics(liveBytes: $0.liveBytes, cachedBytes: $0.cachedBytes, peakLiveBytes: $0.peakLiveBytes) }
    }

    /// Upper bound on bytes kept for reuse; buffers freed beyond it go back to malloc.
    public var maxCachedBytes: Int {
        get { state.withLock { $0.maxCachedBytes } }
        set { state.withLock { $0.maxCachedBytes = newValue } }
    }

    /// Returns every cached buffer to malloc.
    public func trim() {
        let addresses: [Int] = state.withLock { s in
            let all = s.free.values.flatMap { $0 }
            s.free.removeAll()
            s.cachedBytes = 0
            return all
        }
        for a in addresses { free(UnsafeMutableRawPointer(bitPattern: a)) }
    }

    static func sizeClass(_ bytes: Int) -> Int {
        let b = max(bytes, 64)
        if b <= 4096 { return (b + 63) & ~63 }
        var p = 4096
        while p < b {
            if p + p / 2 >= b { return p + p / 2 }
            p *= 2
        }
        return p
    }

    /// A 64-byte aligned buffer of at least `bytes` bytes; `sizeClass` is what `release` needs back.
    func acquire(bytes: Int) -> (pointer: UnsafeMutableRawPointer, sizeClass: Int) {
        let cls = Self.sizeClass(bytes)
        let cached: Int? = state.withLock { s in
            s.liveBytes += cls
            s.peakLiveBytes = max(s.peakLiveBytes, s.liveBytes)
            if var list = s.free[cls], let a = list.popLast() {
                s.free[cls] = list
                s.cachedBytes -= cls
                return a
            }
            return nil
        }
        if let a = cached, let p = UnsafeMutableRawPointer(bitPattern: a) { return (p, cls) }
        var raw: UnsafeMutableRawPointer? = nil
        let status = posix_memalign(&raw, 64, cls)
        guard status == 0, let p = raw else { fatalError("BufferPool: out of memory allocating \(cls) bytes") }
        return (p, cls)
    }

    func release(_ pointer: UnsafeMutableRawPointer, sizeClass cls: Int) {
        let keep: Bool = state.withLock { s in
            s.liveBytes -= cls
            guard s.cachedBytes + cls <= s.maxCachedBytes else { return false }
            s.free[cls, default: []].append(Int(bitPattern: pointer))
            s.cachedBytes += cls
            return true
        }
        if !keep { free(pointer) }
    }
}

/// The bytes behind one or more tensors. Freed buffers return to `BufferPool.shared`.
final class Storage: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let sizeClass: Int
    let dtype: DType
    /// Capacity in elements of `dtype`.
    let capacity: Int

    init(count: Int, dtype: DType) {
        let (p, cls) = BufferPool.shared.acquire(bytes: max(count, 1) * dtype.byteSize)
        raw = p
        sizeClass = cls
        self.dtype = dtype
        capacity = count
    }

    deinit { BufferPool.shared.release(raw, sizeClass: sizeClass) }
}
