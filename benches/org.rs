//! Organization benchmark against the moto emulator: `cargo bench --bench org`.
//!
//! For N = 1, 10 and 50 member accounts (`ARCHAUDIT_BENCH_ACCOUNTS=1,10` overrides), each
//! with the reference architecture, it scans the organization with the release binary —
//! `archaudit scan --org --format json` — and prints the wall time, the API calls (the
//! accounts' collections, plus one AssumeRole and one GetCallerIdentity per account), and the
//! process's peak RSS (the kernel's accounting of that child alone, `wait4`). Then the same
//! run as four shards, one after the other, merged: each shard's wall and peak, and whether
//! the merge equals the unsharded run (findings, fingerprints, counts).
//!
//! Peak memory should follow the largest account, not the number of accounts: each account
//! is dropped once judged. `--concurrency` (default 4) accounts are in flight. The last run
//! shows it: ten members, one of them with `ARCHAUDIT_BENCH_LARGE` (default 500) more
//! subnets, security groups, roles and buckets, scanned alone and with the other ten.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::Instant;

use serde_json::Value;

fn archaudit(url: &str) -> Command {
    let mut c = support::hermetic(Command::new(env!("CARGO_BIN_EXE_archaudit")), url);
    c.stderr(std::process::Stdio::null());
    c
}

fn calls(v: &Value) -> u64 {
    v["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["api_calls"].as_u64().unwrap_or(0) + 2)
        .sum()
}

/// `archaudit scan --org --format json -o OUT` plus `extra`: its wall time and peak RSS.
fn org_scan(url: &str, extra: &[&str], out: &std::path::Path) -> (f64, f64) {
    let (wall, peak, code) = support::measure(
        archaudit(url)
            .args(["scan", "--org", "--fail-on", "never", "--format", "json"])
            .args(extra)
            .arg("-o")
            .arg(out),
    );
    assert!(code <= 2, "scan {extra:?} exited {code}");
    (wall, peak)
}

fn json_of(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn bench(moto: &support::Moto, n: usize) {
    let members = moto.organization(n);
    let steps: Vec<String> = members
        .iter()
        .map(|m| format!("in:{m}:reference"))
        .collect();
    let started = Instant::now();
    moto.provision_steps(&steps);
    let provisioned = started.elapsed().as_secs_f64();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    let (wall, peak) = org_scan(moto.url(), &[], &whole);
    let v = json_of(&whole);
    println!(
        "{:>3} member accounts (+ the management account; provisioned in {provisioned:.0} s): wall {wall:.2} s, {} API calls, peak RSS {peak:.0} MiB",
        n,
        calls(&v)
    );
    let mut files = Vec::new();
    let mut line = Vec::new();
    let mut total = 0.0;
    for i in 1..=4 {
        let f = dir.path().join(format!("s{i}.json"));
        let (wall, peak) = org_scan(moto.url(), &["--shard", &format!("{i}/4")], &f);
        total += wall;
        line.push(format!("{wall:.2} s / {peak:.0} MiB"));
        files.push(f);
    }
    let merged = dir.path().join("merged.json");
    let (mwall, mpeak, code) = support::measure(
        archaudit(moto.url())
            .args(["merge", "--fail-on", "never", "--format", "json", "-o"])
            .arg(&merged)
            .args(&files),
    );
    assert!(code <= 2, "merge exited {code}");
    let m = json_of(&merged);
    let equal =
        support::org_comparable(&m) == support::org_comparable(&v) && m["summary"] == v["summary"];
    println!(
        "      4 shards: {} (sum {total:.2} s); merge {mwall:.2} s / {mpeak:.0} MiB; merged equals the unsharded run: {equal}",
        line.join(", ")
    );
}

/// Ten members, one of them large: its scan alone against the whole organization's.
fn largest(moto: &support::Moto, extra: usize) {
    let members = moto.organization(10);
    let mut steps: Vec<String> = members
        .iter()
        .map(|m| format!("in:{m}:reference"))
        .collect();
    steps.push(format!("in:{}:extra:{extra}", members[0]));
    moto.provision_steps(&steps);
    let dir = tempfile::tempdir().unwrap();
    let (wall1, peak1) = org_scan(
        moto.url(),
        &["--account", &members[0]],
        &dir.path().join("alone.json"),
    );
    let (wall_all, peak_all) = org_scan(moto.url(), &[], &dir.path().join("all.json"));
    println!(
        "one member with {extra} extra resources of each kind: alone wall {wall1:.2} s, peak RSS {peak1:.0} MiB; with the other 10 accounts wall {wall_all:.2} s, peak RSS {peak_all:.0} MiB"
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it,
    // and a benchmark is no test.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("org benchmark: run it with `cargo bench --bench org`");
        return;
    }
    let sizes: Vec<usize> = std::env::var("ARCHAUDIT_BENCH_ACCOUNTS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 50]);
    let moto = support::Moto::get();
    for n in sizes {
        bench(moto, n);
    }
    let large = std::env::var("ARCHAUDIT_BENCH_LARGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    if large > 0 {
        largest(moto, large);
    }
}
