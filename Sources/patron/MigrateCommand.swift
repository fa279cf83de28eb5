import ArgumentParser
import PatronStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Migrate the database schema and exit.")

    @OptionGroup var databaseOptions: DatabaseOptions

    func run() async throws {
        let location = databaseOptions.location
        let database = try await Database.open(location)
        let applied = try await database.withRunning { try await Migrator.migrate($0) }
        await database.engine.close()
        print(applied.isEmpty ? "schema is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}
