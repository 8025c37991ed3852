//! The `archaudit` binary: all logic lives in the library (`archaudit::cli`).

/// mimalloc instead of glibc's malloc: a 100k-resource scan spends a fifth of its time in
/// malloc/free (measured with perf; docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    archaudit::cli::main()
}
