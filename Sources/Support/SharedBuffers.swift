import Foundation

/// The one way worker threads share a buffer in this repository: a buffer that several threads write, each at
/// indices no other thread touches (`DisjointWrites`), or only read while its owner keeps it alive (`SharedReads`).
/// The sharing is safe by construction of the caller's index split, which the compiler cannot see, so these two
/// types carry the `@unchecked Sendable` that would otherwise be spelled out by a wrapper struct in every kernel.
@frozen
public struct DisjointWrites<Element>: @unchecked Sendable {
    public let buffer: UnsafeMutableBufferPointer<Element>

    @inlinable public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

    @inlinable public var count: Int { buffer.count }

    @inlinable public subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }
}

/// A buffer that worker threads only read (see `DisjointWrites`).
@frozen
public struct SharedReads<Element>: @unchecked Sendable {
    public let buffer: UnsafeBufferPointer<Element>

    @inlinable public init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }

    @inlinable public var count: Int { buffer.count }

    @inlinable public subscript(index: Int) -> Element { buffer[index] }
}

/// Results that worker threads store by index (each index by one worker), read by the caller after the parallel
/// section; every access holds a lock, so the workers' results need not be gathered by hand.
public final class IndexedResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    public init(count: Int) { slots = [Value?](repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The value at `index`, which the store then forgets (its memory is freed once the caller is done with it).
    public func take(_ index: Int) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        let value = slots[index]
        slots[index] = nil
        return value
    }

    /// Every slot, in index order (nil where nothing was stored).
    public var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
