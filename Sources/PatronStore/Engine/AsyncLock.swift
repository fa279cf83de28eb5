/// A first-in-first-out async mutex. SQLite transactions on a shared connection need one:
/// an actor alone re-enters at every `await`, letting another task's statements into the transaction.
public actor AsyncLock {
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func lock() async {
        guard isLocked else {
            isLocked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func unlock() {
        if waiters.isEmpty {
            isLocked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    nonisolated public func withLock<T>(_ body: () async throws -> T) async throws -> T {
        await lock()
        do {
            let result = try await body()
            await unlock()
            return result
        } catch {
            await unlock()
            throw error
        }
    }
}

/// A fixed set of resources handed out one task at a time, first come first served.
public actor ResourcePool<Resource: Sendable> {
    private var available: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    public init(_ resources: [Resource]) { available = resources }

    public func acquire() async -> Resource {
        if let resource = available.popLast() { return resource }
        return await withCheckedContinuation { waiters.append($0) }
    }

    public func release(_ resource: Resource) {
        if waiters.isEmpty {
            available.append(resource)
        } else {
            waiters.removeFirst().resume(returning: resource)
        }
    }

    public func drain() -> [Resource] {
        defer { available = [] }
        return available
    }

    nonisolated public func with<T>(_ body: (Resource) async throws -> T) async throws -> T {
        let resource = await acquire()
        do {
            let result = try await body(resource)
            await release(resource)
            return result
        } catch {
            await release(resource)
            throw error
        }
    }
}
