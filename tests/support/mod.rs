//! Test harness: the moto AWS emulator on loopback, provisioning, and running archaudit.
//!
//! One emulator serves each test binary; tests that use it hold [`Moto::lock`] so that one
//! scenario is provisioned, collected and checked at a time (the emulator is reset at the
//! start of each). The emulator is started from the project's venv (`.venv`, created by
//! `scripts/test.sh`) and dies with the test process: it exits when its stdin closes.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::Value;

/// A console drift the emulator harness makes (`drift_<name>` in tests/moto/provision.py).
pub struct Drift {
    /// Its name.
    pub name: &'static str,
    /// The policies whose findings it must produce (in any order).
    pub policies: &'static [&'static str],
    /// What `archaudit fix` does about it.
    pub fix: Fix,
}

/// What `archaudit fix` does about a drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Fixes it, and the account returns to the reference.
    Restores,
    /// Fixes the finding, but an extra resource stays (deleting it could break what uses it):
    /// e.g. an undocumented security group loses its open rule.
    Neutralises,
    /// Leaves it to a person: the plan entry is manual, with commands.
    Manual,
}

const fn drift(name: &'static str, policies: &'static [&'static str], fix: Fix) -> Drift {
    Drift {
        name,
        policies,
        fix,
    }
}

/// Every console drift of the harness, with what it must produce.
pub const DRIFTS: &[Drift] = &[
    drift("ssh_open", &["AA-SG-002", "AA-SG-003"], Fix::Restores),
    drift("task_port_open", &["AA-SG-002"], Fix::Restores),
    drift("undocumented_subnet", &["AA-NET-003"], Fix::Manual),
    drift("undocumented_sg", &["AA-SG-004"], Fix::Neutralises),
    drift("alb_http_rule_revoked", &["AA-SG-001"], Fix::Restores),
    drift("http_forward", &["AA-LB-003"], Fix::Restores),
    drift("weak_tls", &["AA-LB-002"], Fix::Restores),
    drift("extra_listener", &["AA-LB-004"], Fix::Restores),
    drift("versioning_suspended", &["AA-S3-001"], Fix::Restores),
    drift("encryption_removed", &["AA-S3-001"], Fix::Restores),
    drift("bucket_block_deleted", &["AA-S3-002"], Fix::Restores),
    drift("log_retention_removed", &["AA-MON-002"], Fix::Restores),
    drift("memory_alarm_deleted", &["AA-MON-001"], Fix::Restores),
    drift("private_subnet_public_ip", &["AA-NET-004"], Fix::Restores),
    drift("idle_eip", &["AA-NET-008"], Fix::Restores),
    drift("user_access_key", &["AA-IAM-003"], Fix::Restores),
    drift("admin_task_role", &["AA-IAM-002"], Fix::Restores),
    drift("inline_admin_policy", &["AA-IAM-001"], Fix::Restores),
    drift("oidc_wildcard", &["AA-IAM-004"], Fix::Restores),
    drift("circuit_breaker_off", &["AA-ECS-004"], Fix::Restores),
    drift("single_task", &["AA-ECS-002"], Fix::Restores),
    drift("public_ip_tasks", &["AA-ECS-003"], Fix::Restores),
    drift("nat_route_swapped", &["AA-NET-005"], Fix::Restores),
    drift("scaling_policy_deleted", &["AA-ECS-005"], Fix::Restores),
    drift("secret_public_policy", &["AA-SEC-001"], Fix::Restores),
];

/// The rule `id` of a JSON report.
pub fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

/// The ids of a JSON report's rules whose status is `status` (`not_evaluated`).
pub fn rules_with_status<'a>(report: &'a Value, status: &str) -> Vec<&'a str> {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == status)
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

/// The project root.
/// How long a test lets one archaudit run (or one awaited event) take before it calls it hung.
/// A hang guard, not a performance bound: tests never assert elapsed time (a busy CI machine
/// is slow, not wrong); timings belong to the benches (docs/performance.md).
pub const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(600);

/// Polls `done` every 50 ms until it holds; panics with `what` if it never does within
/// [`HANG_GUARD`].
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + HANG_GUARD;
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}: hung");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `fixture` with the task definition `arn` denied, as the collector records it (the
/// definition absent, an AccessDenied gap naming it), written to a file in a new temporary
/// directory (kept alive by the returned guard).
pub fn deny_task_definition(fixture: &str, arn: &str) -> (tempfile::TempDir, PathBuf) {
    let mut inv: Value =
        serde_json::from_slice(&std::fs::read(root().join(fixture)).unwrap()).unwrap();
    inv["aws"]["ecs"]["task_definitions"]
        .as_array_mut()
        .unwrap()
        .retain(|t| t["arn"] != arn);
    inv["gaps"].as_array_mut().unwrap().push(serde_json::json!({
        "service": "ecs", "region": "eu-west-1", "operation": "DescribeTaskDefinition",
        "kind": "ecs.task_definitions", "resource": arn, "attribute": "containers",
        "code": "AccessDeniedException", "message": "injected"
    }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gapped.json");
    std::fs::write(&path, serde_json::to_vec(&inv).unwrap()).unwrap();
    (dir, path)
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every shipped inventory fixture: the reference, the drifted snapshot, each drift case.
pub fn fixture_files() -> Vec<PathBuf> {
    let dir = root().join("fixtures");
    let mut drift: Vec<PathBuf> = std::fs::read_dir(dir.join("drift"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    drift.sort();
    let mut out = vec![dir.join("reference.json"), dir.join("drifted.json")];
    out.extend(drift);
    out
}

/// The Python of the project's venv, with the pinned moto.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ARCHAUDIT_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let p = root().join(".venv/bin/python");
    assert!(
        p.exists(),
        "{} not found: run `scripts/test.sh` once (it creates the venv with the pinned moto emulator)",
        p.display()
    );
    p
}

/// A helper process (emulator or proxy) that prints `READY <url>` and exits when stdin closes.
pub struct Helper {
    /// The URL it serves.
    pub url: String,
    _child: Child,
    _stdin: ChildStdin,
}

impl Helper {
    /// Starts `script` with `args` and `envs`, waiting for its READY line.
    pub fn start(script: &str, args: &[&str], envs: &[(&str, &str)]) -> Helper {
        let mut cmd = Command::new(python());
        cmd.arg(root().join(script))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {script}: {e}"));
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("{script} did not start: {line:?}"))
            .trim()
            .to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "helper must listen on loopback, got {url}"
        );
        Helper {
            url,
            _child: child,
            _stdin: stdin,
        }
    }
}

/// The shared emulator of this test binary.
pub struct Moto {
    helper: Helper,
    lock: Mutex<()>,
}

impl Moto {
    /// The emulator, started on first use.
    pub fn get() -> &'static Moto {
        static MOTO: OnceLock<Moto> = OnceLock::new();
        MOTO.get_or_init(|| Moto {
            helper: Helper::start(
                "tests/moto/server.py",
                &[],
                &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")],
            ),
            lock: Mutex::new(()),
        })
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.helper.url
    }

    /// Exclusive use of the emulator for one test.
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Resets the emulator to the reference architecture in an organization of `members`
    /// member accounts (nothing in them yet); their ids, in creation order.
    pub fn organization(&self, members: usize) -> Vec<String> {
        let out = self.provision(&["reset", "reference", &format!("org:{members}")]);
        out["accounts"]
            .as_array()
            .expect("org: returns the member accounts")
            .iter()
            .map(|v| v.as_str().expect("an account id").to_owned())
            .collect()
    }

    /// [`Moto::provision`] over steps built at run time.
    pub fn provision_steps(&self, steps: &[String]) -> Value {
        self.provision(&steps.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Runs provisioning steps (`reset`, `reference`, `drift:…`) and returns what they created.
    pub fn provision(&self, steps: &[&str]) -> Value {
        let out = Command::new(python())
            .arg(root().join("tests/moto/provision.py"))
            .arg(self.url())
            .args(steps)
            .output()
            .expect("run provision.py");
        assert!(
            out.status.success(),
            "provision {steps:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("provision output is JSON")
    }
}

/// `archaudit` with a hermetic AWS environment pointing at `endpoint`.
pub fn archaudit(endpoint: &str) -> assert_cmd::Command {
    assert_cmd::Command::from_std(hermetic(
        Command::new(assert_cmd::cargo::cargo_bin("archaudit")),
        endpoint,
    ))
}

/// `cmd` (archaudit, or a wrapper around it) with a hermetic AWS environment pointing at
/// `endpoint`: test credentials, no profile, no instance metadata.
pub fn hermetic(mut cmd: Command, endpoint: &str) -> Command {
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ENDPOINT_URL", endpoint);
    cmd
}

/// Replaces what the emulator generates at random (ids, hashes, addresses, times) with stable
/// names, so whole inventories can be snapshotted.
///
/// EC2 ids are named after the resource's `Name` tag (every resource the scenarios create has
/// one); other random parts become fixed placeholders. Arrays are re-sorted afterwards, since
/// the inventory's order follows the (random) ARNs.
pub fn redact(inventory: &Value) -> Value {
    let mut names: Vec<(String, String)> = Vec::new();
    if let Some(ec2) = inventory.pointer("/aws/ec2").and_then(Value::as_object) {
        for items in ec2.values().filter_map(Value::as_array) {
            for item in items {
                let id = item["id"].as_str().unwrap_or_default();
                let prefix = id.split('-').next().unwrap_or_default();
                if let Some(name) = item.pointer("/tags/Name").and_then(Value::as_str) {
                    names.push((id.to_owned(), format!("{prefix}-<{name}>")));
                }
            }
        }
    }
    let rules: Vec<(regex::Regex, &str)> = [
        (
            r"\b(sgr|eipassoc|eni|rtbassoc|i)-[0-9a-f]{8,17}\b",
            "$1-<id>",
        ),
        (
            r"\b(vpc|subnet|rtb|igw|nat|eipalloc|sg)-[0-9a-f]{8,17}\b",
            "$1-<unnamed>",
        ),
        (r"/[0-9a-f]{16}\b", "/<hash>"),
        (r"^[0-9a-f]{16}$", "<hash>"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<uuid>",
        ),
        (r"(:secret:[^:]+)-[A-Za-z0-9]{6}\b", "$1-<rand>"),
        (r"scalable-target/[0-9a-z]{20,}", "scalable-target/<id>"),
        (r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", "<ip>"),
        (r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", "<time>"),
        (r"\bA[KS]IA[0-9A-Z]{12,}\b", "<access-key-id>"),
        (r"-elb-[0-9]+\.", "-elb-<n>."),
        (
            r"-[0-9]+\.us-east-1\.elb\.amazonaws\.com",
            "-<n>.us-east-1.elb.amazonaws.com",
        ),
    ]
    .into_iter()
    .map(|(re, to)| (regex::Regex::new(re).unwrap(), to))
    .collect();
    let mut value = inventory.clone();
    walk(&mut value, &mut |s: &mut String| {
        for (id, name) in &names {
            if s.contains(id.as_str()) {
                *s = s.replace(id.as_str(), name);
            }
        }
        for (re, to) in &rules {
            if re.is_match(s) {
                *s = re.replace_all(s, *to).into_owned();
            }
        }
    });
    if let Some(services) = value
        .pointer_mut("/meta/services")
        .and_then(Value::as_object_mut)
    {
        for status in services.values_mut() {
            status["duration_ms"] = Value::from(0);
        }
    }
    sort_arrays(&mut value);
    value
}

fn walk(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, f)),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (mut key, mut v) in old {
                f(&mut key);
                walk(&mut v, f);
                map.insert(key, v);
            }
        }
        _ => {}
    }
}

fn sort_arrays(value: &mut Value) {
    match value {
        Value::Array(items) => {
            items.iter_mut().for_each(sort_arrays);
            items.sort_by_key(|v| v.to_string());
        }
        Value::Object(map) => map.values_mut().for_each(sort_arrays),
        _ => {}
    }
}

/// The venv of the test tooling (`scripts/venv.sh`): beside the emulator's Python.
pub fn tools_dir() -> PathBuf {
    let python = python();
    let dir = python
        .parent()
        .and_then(|p| p.parent())
        .expect("the venv python lives in <venv>/bin")
        .to_path_buf();
    assert!(
        dir.join("node/node_modules").is_dir(),
        "{}/node is missing: run `scripts/venv.sh` (it installs the SARIF Multitool and mermaid)",
        dir.display()
    );
    dir
}

/// Runs the SARIF Multitool's `validate --rule-kind "Gh;Sarif"` (the SARIF 2.1.0 schema and
/// GitHub's ingestion rules) on `files`; returns every error and warning it reports.
pub fn sarif_problems(files: &[PathBuf]) -> Vec<String> {
    let tools = tools_dir();
    let out_dir = tempfile::tempdir().unwrap();
    let log = out_dir.path().join("validation.sarif");
    let status = Command::new(
        tools.join("node/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
    )
    .args([
        "validate",
        "--rule-kind",
        "Gh;Sarif",
        "--log",
        "ForceOverwrite",
        "-o",
    ])
    .arg(&log)
    .args(files)
    .stdout(Stdio::null())
    .status()
    .unwrap();
    assert!(status.success(), "the SARIF Multitool failed to run");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let mut problems = Vec::new();
    for run in log["runs"].as_array().unwrap() {
        for r in run["results"].as_array().into_iter().flatten() {
            let level = r["level"].as_str().unwrap_or("warning");
            if level == "error" || level == "warning" {
                let file = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("?");
                problems.push(format!(
                    "{level} {} in {file}: {}",
                    r["ruleId"].as_str().unwrap_or("?"),
                    r["message"]["text"]
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| r["message"].to_string())
                ));
            }
        }
    }
    problems
}

/// Parses every Mermaid diagram in `files` (whole diagrams, or Markdown with ```mermaid
/// blocks) with mermaid's own `mermaid.parse`; returns the failures.
pub fn mermaid_problems(files: &[PathBuf]) -> Vec<String> {
    let tools = tools_dir();
    let out = Command::new("node")
        .arg(root().join("tests/tools/mermaid-parse.mjs"))
        .args(files)
        .env("ARCHAUDIT_NODE_MODULES", tools.join("node/node_modules"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let parsed = text.lines().filter(|l| l.starts_with("ok ")).count();
    let mut problems: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("ok "))
        .map(str::to_owned)
        .collect();
    if parsed == 0 {
        problems.push(format!(
            "mermaid-parse parsed nothing: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    problems
}

/// What two runs over the same accounts must share: every account's report, without what
/// differs between runs (the shard that scanned it, its API calls, when it was collected).
pub fn org_comparable(report: &Value) -> Value {
    let mut accounts = report["accounts"].clone();
    for entry in accounts.as_array_mut().into_iter().flatten() {
        let e = entry.as_object_mut().unwrap();
        e.remove("shard");
        e.remove("api_calls");
        e["report"].as_object_mut().unwrap().remove("collected_at");
    }
    accounts
}

/// Wall seconds, peak RSS (MiB) and exit code of one run of `command`, from the kernel's
/// accounting of that child alone (`wait4`).
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which `Child::wait` cannot replace
pub fn measure(command: &mut Command) -> (f64, f64, i32) {
    let started = std::time::Instant::now();
    let child = command.spawn().unwrap();
    let mut status = 0;
    // SAFETY: `rusage` is plain data the kernel fills; `pid` is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    (
        started.elapsed().as_secs_f64(),
        usage.ru_maxrss as f64 / 1024.0,
        libc::WEXITSTATUS(status),
    )
}
