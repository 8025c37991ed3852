//! Collection benchmark against the moto emulator: `cargo bench --bench collect`.
//!
//! Scenarios: the reference architecture, and the reference plus N extra security groups,
//! roles, buckets and subnets (N = 1000, or `ARCHAUDIT_BENCH_EXTRA`). For each it prints the
//! wall time of `collect`, the API calls per service, and the peak RSS of this process (which
//! runs the collection in-process; the emulator is a separate process). Each scenario runs
//! twice: with the per-service default rate limits (what users get) and with no limit
//! (archaudit's own cost), and prints the ratio.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use archaudit::collect::{self, Options};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn run(name: &str, moto: &support::Moto, rt: &tokio::runtime::Runtime) {
    let mut walls = Vec::new();
    for (limits, max_rps) in [("no limit", Some(0.0)), ("default limits", None)] {
        let options = Options {
            aws: archaudit::aws::Options {
                endpoint_url: Some(moto.url().to_owned()),
                max_rps,
                ..Default::default()
            },
            ..Options::default()
        };
        // One warm-up run (connection set-up, lazy statics), then the measured one.
        rt.block_on(collect::collect(&options)).expect("collect");
        let started = Instant::now();
        let inventory = rt.block_on(collect::collect(&options)).expect("collect");
        let wall = started.elapsed();
        walls.push(wall.as_secs_f64());
        let total: u32 = inventory.meta.services.values().map(|s| s.api_calls).sum();
        println!(
            "scenario {name}, {limits}: wall {:.3} s, {total} API calls, peak RSS {:.1} MiB, gaps {}",
            wall.as_secs_f64(),
            peak_rss_mib(),
            inventory.gaps.len()
        );
        for (key, status) in &inventory.meta.services {
            println!(
                "  {key:<28} {:>6} calls {:>7} ms  {:?}",
                status.api_calls, status.duration_ms, status.status
            );
        }
    }
    println!(
        "scenario {name}: default limits / no limit = {:.2}x",
        walls[1] / walls[0]
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it,
    // and a benchmark is no test.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("collect benchmark: run it with `cargo bench --bench collect`");
        return;
    }
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ] {
        std::env::set_var(k, v);
    }
    std::env::remove_var("AWS_PROFILE");
    let extra: usize = std::env::var("ARCHAUDIT_BENCH_EXTRA")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let moto = support::Moto::get();
    moto.provision(&["reset", "reference"]);
    run("reference", moto, &rt);
    let started = Instant::now();
    moto.provision(&["reset", "reference", &format!("extra:{extra}")]);
    eprintln!(
        "(provisioned {extra} extra of each in {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    run(&format!("reference+{extra}"), moto, &rt);
}
