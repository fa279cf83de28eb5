import Foundation
import PatronCore
import SQLKit
import Testing

@testable import PatronStore

@Suite struct MigratorTests {
    @Test(arguments: TestDatabases.all)
    func migratingTwiceAppliesNothingTheSecondTime(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind, migrate: false) { database in
            // Given an empty database
            // When it is migrated twice
            let first = try await Migrator.migrate(database)
            let second = try await Migrator.migrate(database)

            // Then every migration ran once, in order, and is recorded
            #expect(first == Schema.migrations.map { $0.name })
            #expect(!first.isEmpty)
            #expect(second.isEmpty)
            let versions = try await database.read { sql in
                try await sql.raw("SELECT version FROM schema_migrations ORDER BY version").all().map {
                    try $0.int("version")
                }
            }
            #expect(versions == Schema.migrations.map { $0.version })
            let stores = try await StoreRepository.list(in: database)
            #expect(stores.isEmpty)
        }
    }
}

/// One row of `api_keys` as stored.
private struct StoredKey: Sendable {
    let kind: String
    let hash: String
    let prefix: String
}

@Suite struct StoreRepositoryTests {
    @Test(arguments: TestDatabases.all)
    func createdStoreHasTypedKeysAndIsListed(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            // When a store is created
            let credentials = try await StoreRepository.create(name: "Ana's Shop", in: database, now: TestClock.now)

            // Then its keys carry typed prefixes and enough randomness, and they all differ
            #expect(credentials.secretKey.hasPrefix("sk_"))
            #expect(credentials.writeKey.hasPrefix("wk_"))
            #expect(credentials.webhookSecret.hasPrefix("whsec_"))
            #expect(credentials.secretKey.count >= 30)
            #expect(credentials.writeKey.count >= 24)
            #expect(Set([credentials.secretKey, credentials.writeKey, credentials.webhookSecret]).count == 3)
            #expect(credentials.name == "Ana's Shop")

            // And the store is listed with its webhook secret
            let stores = try await StoreRepository.list(in: database)
            #expect(stores.map(\.id) == [credentials.id])
            let lookedUp = try await StoreRepository.find(id: credentials.id, in: database)
            let found = try #require(lookedUp)
            #expect(found.name == "Ana's Shop")
            #expect(found.webhookSecret == credentials.webhookSecret)
            #expect(found.createdAt == TestClock.now)
            let missing = try await StoreRepository.find(id: credentials.id + 1_000, in: database)
            #expect(missing == nil)
        }
    }

    @Test(arguments: TestDatabases.all)
    func keysAuthenticateTheirStoreOnlyForTheirKind(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            // Given two stores
            let first = try await StoreRepository.create(name: "First", in: database)
            let second = try await StoreRepository.create(name: "Second", in: database)

            func store(for key: String, as kind: APIKeyKind) async throws -> Int64? {
                try await StoreRepository.authenticate(key: key, kind: kind, in: database)
            }

            // Then each key finds its own store when used as its own kind
            let firstBySecret = try await store(for: first.secretKey, as: .secret)
            let firstByWrite = try await store(for: first.writeKey, as: .write)
            let secondBySecret = try await store(for: second.secretKey, as: .secret)
            let secondByWrite = try await store(for: second.writeKey, as: .write)
            #expect(firstBySecret == first.id)
            #expect(firstByWrite == first.id)
            #expect(secondBySecret == second.id)
            #expect(secondByWrite == second.id)

            // And never as the other kind
            let secretAsWrite = try await store(for: first.secretKey, as: .write)
            let writeAsSecret = try await store(for: first.writeKey, as: .secret)
            #expect(secretAsWrite == nil)
            #expect(writeAsSecret == nil)

            // And a wrong, truncated, extended or empty key finds nothing
            for wrong in [
                "sk_" + String(repeating: "x", count: 33), String(first.secretKey.dropLast()), first.secretKey + "x",
                "", "sk_", first.webhookSecret,
            ] {
                let found = try await store(for: wrong, as: .secret)
                #expect(found == nil, "key \(wrong.prefix(6))…")
            }
        }
    }

    @Test(arguments: TestDatabases.all)
    func apiKeysAreStoredOnlyAsHashes(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            // Given a new store
            let credentials = try await StoreRepository.create(name: "Hashed", in: database)

            // When its key rows are read back
            let rows = try await database.read { sql in
                try await sql.raw(
                    "SELECT kind, key_hash, prefix FROM api_keys WHERE store_id = \(bind: credentials.id) ORDER BY kind"
                ).all().map { row in
                    StoredKey(
                        kind: try row.requiredText("kind"), hash: try row.requiredText("key_hash"),
                        prefix: try row.requiredText("prefix"))
                }
            }

            // Then there is one row per kind holding a SHA-256 of the key, never the key itself
            #expect(rows.map(\.kind) == ["secret", "write"])
            let keys = [credentials.secretKey, credentials.writeKey]
            for (row, key) in zip(rows, keys) {
                #expect(row.hash != key)
                #expect(!row.hash.contains(String(key.dropFirst(3))))
                #expect(row.hash.count == 64)
                #expect(row.hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
                #expect(row.hash == KeyGenerator.hash(key))
                #expect(row.prefix == String(key.prefix(10)))
                #expect(row.prefix.count < key.count)
            }
            let plaintextRows = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM api_keys
                    WHERE key_hash IN (\(bind: credentials.secretKey), \(bind: credentials.writeKey))
                       OR prefix IN (\(bind: credentials.secretKey), \(bind: credentials.writeKey))
                    """
                ).first()?.int("n") ?? -1
            }
            #expect(plaintextRows == 0)
        }
    }

    @Test func keyHashIsSHA256Hex() {
        #expect(KeyGenerator.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func randomKeysAreBase62AndDistinct() {
        let keys = (0..<50).map { _ in KeyGenerator.random(bytes: 24) }
        #expect(Set(keys).count == 50)
        for key in keys {
            #expect(key.count == 33)
            #expect(key.allSatisfy { character in character.isASCII && (character.isLetter || character.isNumber) })
        }
    }
}
