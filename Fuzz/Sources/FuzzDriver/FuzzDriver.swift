import Foundation

// libFuzzer's entry point for programs that bring their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// Starts libFuzzer with one target's input callback.
///
/// SwiftPM links every executable with its own `main`, so libFuzzer's `main` cannot run; each
/// target's `main.swift` hands its callback to libFuzzer's driver instead, as that `main` would.
public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments and exits with its status.
    public static func run(_ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv, callback))
    }
}
