//! The `archaudit` binary: all logic lives in the library (`archaudit::cli`).

fn main() -> std::process::ExitCode {
    archaudit::cli::main()
}
