import ArgumentParser

@main
struct DemoOSCommand: AsyncParsableCommand {
    func run() async throws {}
}
