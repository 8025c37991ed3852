//! Policy evaluation benchmark: `cargo bench --bench evaluate`.
//!
//! Generates inventories of 1k, 10k and 100k resources (the reference architecture plus
//! synthetic security groups with rules, subnets, roles with trust and inline policies,
//! buckets with policies, log groups and alarms; ~1% of them drifted so the rules have findings
//! to produce), evaluates the whole built-in policy library on each, and prints the evaluation
//! time, the findings, and the peak RSS after generation (the library, the inventory and the
//! evaluation). Each size runs in a fresh child process so its peak RSS is its own.
//!
//! Then, end to end: the same sizes written as inventory files (the reference plus security
//! groups, subnets, roles and buckets in equal parts, as the reliability issue measures) and
//! scanned by the release binary, `archaudit scan --inventory F --format json -o R` — load,
//! evaluate and report, as a user runs it — reporting wall time and the process's peak RSS.
//! `ARCHAUDIT_BENCH_SIZES=1000,5000` overrides the sizes; `ARCHAUDIT_BENCH_KEEP=DIR` keeps the
//! end-to-end inventories and reports in DIR.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::Instant;

use archaudit::config::Config;
use archaudit::inventory::Inventory;
use archaudit::policy::PolicySet;
use serde_json::{json, Value};

const REFERENCE: &str = include_str!("../fixtures/reference.json");

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// The synthetic kinds, in the order resources are dealt to them.
#[derive(Clone, Copy)]
enum Kind {
    SecurityGroup,
    Subnet,
    Role,
    Bucket,
    LogGroup,
    Alarm,
}

/// The evaluation benchmark's mix: six kinds, so every area of the library has work.
const SIX: &[Kind] = &[
    Kind::SecurityGroup,
    Kind::Subnet,
    Kind::Role,
    Kind::Bucket,
    Kind::LogGroup,
    Kind::Alarm,
];

/// The reliability issue's mix for the end-to-end figure: security groups, subnets, roles
/// and buckets in equal parts.
const FOUR: &[Kind] = &[Kind::SecurityGroup, Kind::Subnet, Kind::Role, Kind::Bucket];

/// The reference inventory plus `n` synthetic resources dealt in turn to `kinds`; one in a
/// hundred of each kind is drifted.
fn generate(n: usize, kinds: &[Kind]) -> Inventory {
    let mut inv: Value = serde_json::from_str(REFERENCE).unwrap();
    let acct = "123456789012";
    let aws = inv["aws"].as_object_mut().unwrap();
    aws["ec2"]["vpcs"].as_array_mut().unwrap().push(json!({"arn": format!("arn:aws:ec2:us-east-1:{acct}:vpc/vpc-bench"), "id": "vpc-bench", "region": "us-east-1", "account_id": acct, "tags": {}, "cidr_block": "10.8.0.0/16", "cidr_blocks": ["10.8.0.0/16"], "is_default": false, "state": "available", "enable_dns_support": true, "enable_dns_hostnames": true}));
    let per = n / kinds.len();
    for j in 0..n {
        let (kind, i) = (kinds[j % kinds.len()], j / kinds.len());
        let (service, list, item) = match kind {
            Kind::SecurityGroup => {
                let id = format!("sg-bench{i:08}");
                let open = if i % 100 == 0 {
                    "0.0.0.0/0"
                } else {
                    "10.0.0.0/8"
                };
                (
                    "ec2",
                    "security_groups",
                    json!({
                        "arn": format!("arn:aws:ec2:us-east-1:{acct}:security-group/{id}"), "id": id, "region": "us-east-1", "account_id": acct, "tags": {"Name": format!("bench-{i}")},
                        "name": format!("bench-{i}"), "description": "bench", "vpc_id": "vpc-bench",
                        "ingress": [
                            {"protocol": "tcp", "from_port": 22, "to_port": 22, "peer": {"type": "cidr_ipv4", "value": open}, "rule_id": format!("sgr-a{i:08}")},
                            {"protocol": "tcp", "from_port": 8000, "to_port": 8000, "peer": {"type": "security_group", "value": format!("sg-bench{:08}", (i + 1) % per.max(1))}, "rule_id": format!("sgr-b{i:08}")}
                        ],
                        "egress": [{"protocol": "all", "from_port": 0, "to_port": 65535, "peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"}, "rule_id": format!("sgr-c{i:08}")}]
                    }),
                )
            }
            Kind::Subnet => {
                let sid = format!("subnet-bench{i:08}");
                (
                    "ec2",
                    "subnets",
                    json!({
                        "arn": format!("arn:aws:ec2:us-east-1:{acct}:subnet/{sid}"), "id": sid, "region": "us-east-1", "account_id": acct, "tags": {"Name": format!("bench-{i}")},
                        "vpc_id": "vpc-bench", "cidr_block": format!("10.8.{}.{}/28", (i / 16) % 256, (i % 16) * 16), "availability_zone": "us-east-1a",
                        "map_public_ip_on_launch": i % 100 == 0, "default_for_az": false, "state": "available"
                    }),
                )
            }
            Kind::Role => (
                "iam",
                "roles",
                json!({
                    "arn": format!("arn:aws:iam::{acct}:role/bench-{i}"), "id": format!("bench-{i}"), "region": "global", "account_id": acct, "tags": {"team": "bench"}, "path": "/",
                    "trust_policy": {"statements": [{"effect": "Allow", "action": ["sts:AssumeRole"], "resource": [], "principal": {"service": ["lambda.amazonaws.com"]}, "condition": {"StringEquals": {"aws:SourceAccount": [acct]}}}]},
                    "attached_policies": [], "inline_policies": [{"name": "p", "document": {"statements": [{"effect": "Allow", "action": [if i % 100 == 0 { "s3:*" } else { "s3:GetObject" }], "resource": [format!("arn:aws:s3:::bench-{i}/*")]}]}}]
                }),
            ),
            Kind::Bucket => (
                "s3",
                "buckets",
                json!({
                    "arn": format!("arn:aws:s3:::bench-{i:08}"), "id": format!("bench-{i:08}"), "region": "us-east-1", "account_id": acct, "tags": {},
                    "versioning": if i % 100 == 0 { "suspended" } else { "enabled" }, "mfa_delete": false, "encryption": {"algorithm": "AES256", "bucket_key_enabled": false},
                    "public_access_block": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true},
                    "policy": {"statements": [{"sid": "DenyInsecureTransport", "effect": "Deny", "action": ["s3:*"], "resource": [format!("arn:aws:s3:::bench-{i:08}/*")], "principal": {"aws": ["*"]}, "condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]}
                }),
            ),
            Kind::LogGroup => {
                let mut g = json!({"arn": format!("arn:aws:logs:us-east-1:{acct}:log-group:/bench/{i}"), "id": format!("/bench/{i}"), "region": "us-east-1", "account_id": acct});
                if i % 100 != 0 {
                    g["retention_in_days"] = json!(30);
                }
                ("logs", "log_groups", g)
            }
            Kind::Alarm => (
                "cloudwatch",
                "alarms",
                json!({
                    "arn": format!("arn:aws:cloudwatch:us-east-1:{acct}:alarm:bench-{i}"), "id": format!("bench-{i}"), "region": "us-east-1", "account_id": acct,
                    "namespace": "AWS/ECS", "metric_name": "CPUUtilization", "dimensions": {"ClusterName": "bench", "ServiceName": format!("s{i}")},
                    "statistic": "Average", "comparison_operator": "GreaterThanThreshold", "threshold": 80.0, "period": 60, "evaluation_periods": 1,
                    "actions_enabled": true, "alarm_actions": ["arn:aws:sns:us-east-1:123456789012:t"], "ok_actions": [], "insufficient_data_actions": [], "state": "OK"
                }),
            ),
        };
        aws[service][list].as_array_mut().unwrap().push(item);
    }
    let mut inventory: Inventory = serde_json::from_value(inv).unwrap();
    inventory.sort();
    inventory
}

fn child(n: usize) {
    let inventory = generate(n, SIX);
    if let Ok(path) = std::env::var("ARCHAUDIT_BENCH_DUMP") {
        std::fs::write(path, serde_json::to_string(&inventory).unwrap()).unwrap();
        return;
    }
    // The peak from here on: generating went through a JSON tree of the whole inventory.
    // (Linux: writing 5 to clear_refs resets the peak-RSS mark.)
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let config = Config::default_config();
    // ARCHAUDIT_BENCH_POLICIES=DIR evaluates only the policies in DIR (for profiling).
    let only: Vec<std::path::PathBuf> = std::env::var_os("ARCHAUDIT_BENCH_POLICIES")
        .map(Into::into)
        .into_iter()
        .collect();
    let load_started = Instant::now();
    let mut set = PolicySet::load(only.is_empty(), &only).unwrap();
    // Loading includes compiling and the derived rule dependencies (AST walk).
    let load = load_started.elapsed().as_secs_f64();
    set.set_data(&config.architecture_json(), &config.params_json())
        .unwrap();
    let mut times = Vec::new();
    let mut findings = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let evaluation = set.evaluate(&inventory).unwrap();
        times.push(started.elapsed().as_secs_f64());
        findings = evaluation.findings.len();
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let best = times[0];
    println!(
        "{n:>7} resources: evaluate {:>8.3} s (best of 3; median {:.3} s), {:>6.1} µs/resource, {} policies loaded in {:.3} s, {findings} findings, peak RSS {:.0} MiB",
        best,
        times[1],
        best * 1e6 / n as f64,
        set.policies().len(),
        load,
        peak_rss_mib()
    );
}

/// End to end, as a user runs it: `archaudit scan --inventory FILE --format json -o FILE`
/// (load + evaluate + report) on the reference plus `n` resources in the mix, three
/// runs of the release binary.
fn end_to_end(n: usize) {
    // ARCHAUDIT_BENCH_KEEP=DIR keeps the inventory and the report there (for profiling).
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("ARCHAUDIT_BENCH_KEEP")
        .map_or_else(|| temp.path().to_owned(), std::path::PathBuf::from);
    let input = dir.join(format!("inventory-{n}.json"));
    let report = dir.join(format!("report-{n}.json"));
    // Written by a child: a process that generated 100k resources is itself large, and a
    // child it starts counts the parent's resident pages in its own peak.
    let status = Command::new(std::env::current_exe().unwrap())
        .arg("--write")
        .arg(n.to_string())
        .arg(&input)
        .status()
        .unwrap();
    assert!(status.success(), "writing {n} resources failed");
    let size = std::fs::metadata(&input).unwrap().len() as f64 / 1e6;
    let mut runs: Vec<(f64, f64)> = (0..3)
        .map(|_| {
            let (wall, peak, code) = support::measure(
                Command::new(env!("CARGO_BIN_EXE_archaudit"))
                    .args(["scan", "--inventory"])
                    .arg(&input)
                    .args(["--format", "json", "--fail-on", "never", "-o"])
                    .arg(&report)
                    .stderr(std::process::Stdio::null()),
            );
            assert_eq!(code, 0, "scan of {n} resources exited {code}");
            (wall, peak)
        })
        .collect();
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    runs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    println!(
        "{n:>7} resources end to end ({size:.0} MB inventory): wall {:.3} s (best of 3; median {:.3} s), peak RSS {:.0} MiB (median run), {} findings",
        runs[0].0,
        runs[1].0,
        runs[1].1,
        report["findings"].as_array().map_or(0, Vec::len)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args
        .iter()
        .any(|a| a == "--bench" || a == "--child" || a == "--write")
    {
        eprintln!("evaluation benchmark: run it with `cargo bench --bench evaluate`");
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        child(args[pos + 1].parse().unwrap());
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--write") {
        let inventory = generate(args[pos + 1].parse().unwrap(), FOUR);
        std::fs::write(&args[pos + 2], serde_json::to_vec(&inventory).unwrap()).unwrap();
        return;
    }
    let sizes: Vec<usize> = std::env::var("ARCHAUDIT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    println!(
        "policy evaluation, {} rayon threads",
        rayon::current_num_threads()
    );
    for &n in &sizes {
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--child", &n.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "size {n} failed");
    }
    println!(
        "end to end: the reference plus security groups, subnets, roles and buckets in equal parts"
    );
    for &n in &sizes {
        end_to_end(n);
    }
}
