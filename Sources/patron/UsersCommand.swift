import ArgumentParser
import Foundation
import PatronCore
import PatronHTTP
import PatronStore

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create and list dashboard users.",
        subcommands: [Create.self, List.self, SetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a dashboard user (the password is read from standard input unless --password is given).")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The store the user belongs to.") var store: Int64
        @Option(help: "The e-mail the user signs in with.") var email: String
        @Option(help: "owner, marketer or support.") var role: String = "owner"
        @Option(help: "The password (at least 10 characters); prefer standard input, which stays out of shell history.")
        var password: String?

        func run() async throws {
            guard EmailAddress.isValid(email) else { throw UserError("--email: expected an e-mail address, got \"\(email)\"") }
            guard let role = DashboardRole(rawValue: role) else {
                throw UserError("--role: expected owner, marketer or support, got \"\(role)\"")
            }
            let secret = try password ?? Self.readPassword()
            if let problem = PasswordHashing.problem(with: secret) { throw UserError("password: \(problem)") }
            let hash = try await PasswordHashing.hash(secret)
            let (store, email) = (self.store, self.email)
            let user = try await databaseOptions.withDatabase { database -> DashboardUser in
                guard try await StoreRepository.find(id: store, in: database) != nil else {
                    throw UserError("--store: no store \(store); `patron stores list` shows them")
                }
                do {
                    return try await database.write(store: store) {
                        try await DashboardUserRepository(sql: $0).create(
                            store: store, email: email, role: role, passwordHash: hash,
                            now: Timestamp.milliseconds(Date()))
                    }
                } catch DashboardUserRepository.SaveError.emailTaken {
                    throw UserError("--email: \(email) already has a Patron account")
                }
            }
            print("Created \(user.role.rawValue) \(user.email) (user \(user.id)) for store \(store); sign in at /app/login")
        }

        static func readPassword() throws -> String {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw UserError("no password: give --password or write it on standard input")
            }
            return line
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a user's password (read from standard input unless --password is given); ends their sessions.")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The e-mail the user signs in with.") var email: String
        @Option(help: "The new password (at least 10 characters).") var password: String?

        func run() async throws {
            let secret = try password ?? Create.readPassword()
            if let problem = PasswordHashing.problem(with: secret) { throw UserError("password: \(problem)") }
            let hash = try await PasswordHashing.hash(secret)
            let email = self.email
            try await databaseOptions.withDatabase { database in
                guard let user = try await database.read({ try await DashboardUserRepository(sql: $0).find(email: email) }) else {
                    throw UserError("--email: no dashboard user \(email)")
                }
                try await database.write(store: user.storeID) {
                    try await DashboardUserRepository(sql: $0).setPassword(
                        id: user.id, hash: hash, now: Timestamp.milliseconds(Date()))
                }
            }
            print("Password of \(email) changed; their sessions are ended")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a store's dashboard users.")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The store.") var store: Int64

        func run() async throws {
            let store = self.store
            let users = try await databaseOptions.withDatabase { database in
                try await database.read { try await DashboardUserRepository(sql: $0).list(store: store) }
            }
            for user in users {
                print("\(user.id)\t\(user.email)\t\(user.role.rawValue)")
            }
        }
    }
}
