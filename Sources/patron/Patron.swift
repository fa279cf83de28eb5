import ArgumentParser

@main
struct Patron: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patron",
        abstract: "Patron: customer retention and post-purchase engagement for online stores.",
        subcommands: [
            ServeCommand.self, WorkerCommand.self, MigrateCommand.self, StoresCommand.self, ImportCommand.self,
            FlowsCommand.self, AnalyzeCommand.self, RecommendCommand.self, DemoCommand.self, UsersCommand.self,
            BenchCommand.self,
        ])
}
