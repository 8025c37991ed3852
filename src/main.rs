//! The `archaudit` binary: all logic lives in the library (`archaudit::cli`).

/// mimalloc instead of glibc's malloc: a 100k-resource scan spends a fifth of its time in
/// malloc/free (measured with perf; docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The policy engine's parser backtracks through errors: with RUST_BACKTRACE=1 (which CI
    // jobs often set) every one of them captured a backtrace, and a scan took 4x as long with
    // the static binary, whose unwinder is slower (docs/release.md). Library backtraces stay
    // off unless asked for by name; a panic still prints its own under RUST_BACKTRACE.
    // Set before any thread exists.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    archaudit::cli::main()
}
