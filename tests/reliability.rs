//! The API's bad days, through the fault proxy in front of the emulator: throttling and server
//! errors on every service leave the findings identical and the run within 3× of a clean one,
//! with the retries in the inventory's `meta`; an endpoint that never answers ends within the
//! run's deadline with exit 3 and a message saying so; a service that hangs mid-run becomes a
//! gap at the deadline, and the report is still written.

mod support;

use serde_json::Value;
use support::{archaudit, Helper, Moto};

fn fingerprints(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

fn scan(url: &str) -> Value {
    let out = archaudit(url)
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn throttling_and_server_errors_everywhere_change_nothing_but_the_retry_count() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference", "drift:ssh_open", "drift:weak_tls"]);
    let clean = scan(moto.url());
    assert!(!fingerprints(&clean).is_empty());
    // 20% of every service's calls throttled, 5% of the rest a server error.
    let proxy = Helper::start(
        "tests/moto/faults.py",
        &[moto.url(), "=throttle@0.2", "=5xx@0.0625"],
        &[("FAULTS_SEED", "7")],
    );
    // How long it takes is a benchmark's business (no test asserts elapsed time).
    let faulty = scan(&proxy.url);
    assert_eq!(fingerprints(&faulty), fingerprints(&clean));
    assert_eq!(faulty["gaps"], clean["gaps"]);
    let out = archaudit(&proxy.url).arg("collect").output().unwrap();
    let inventory: Value = serde_json::from_slice(&out.stdout).unwrap();
    let retries: u64 = inventory["meta"]["services"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["retries"].as_u64().unwrap_or(0))
        .sum();
    assert!(retries > 0, "{}", inventory["meta"]["services"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the API pushed back"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_endpoint_that_never_answers_ends_at_the_deadline_with_a_timeout_message() {
    let moto = Moto::get();
    let proxy = Helper::start("tests/moto/faults.py", &[moto.url(), "=hang"], &[]);
    // The 60-second kill only keeps a hang from stalling the suite; that the run ended at its
    // own deadline is what the message says.
    let out = archaudit(&proxy.url)
        .args(["scan", "--timeout", "3"])
        .timeout(support::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("--timeout 3 s"), "{stderr}");
}

#[test]
fn a_service_that_hangs_mid_run_becomes_a_gap_and_the_report_is_still_written() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference"]);
    // Only CloudWatch Logs hangs.
    let proxy = Helper::start(
        "tests/moto/faults.py",
        &[moto.url(), "Logs_20140328.=hang"],
        &[],
    );
    let out = archaudit(&proxy.url)
        .args(["scan", "--format", "json", "--timeout", "8"])
        .timeout(support::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["service"] == "logs" && g["code"] == "DeadlineExceeded"),
        "{gaps:?}"
    );
    // What the logs feed is not evaluated, never passed; the rest was judged.
    let rule = |id: &str| {
        report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(rule("AA-MON-002"), "not_evaluated");
    assert_eq!(rule("AA-SG-003"), "passed");
}
