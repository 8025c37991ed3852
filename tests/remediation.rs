//! Every remediation command a report prints is run, for real, with the pinned AWS CLI against
//! the emulator: for each console drift the harness can make (tests/moto/provision.py), scan,
//! run each finding's `remediation.cli` as printed, scan again, and require that every finding
//! with a command is gone and that nothing new appeared.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{archaudit, Moto};

/// A directory holding an `aws` that is the pinned CLI aimed at the emulator, so commands
/// (and their `$(aws …)` sub-commands) run exactly as printed.
fn aws_wrapper(endpoint: &str) -> tempfile::TempDir {
    let cli = support::python()
        .parent()
        .and_then(Path::parent)
        .map(|venv| venv.join("awscli/bin/aws"))
        .filter(|p| p.exists())
        .expect("the AWS CLI venv: run scripts/test.sh (scripts/venv.sh installs it)");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("aws");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec '{}' --endpoint-url '{endpoint}' \"$@\"\n",
            cli.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

fn scan(moto: &Moto) -> Value {
    let out = archaudit(moto.url())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn run_command(cli: &str, bin: &Path) -> Result<(), String> {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", cli])
        .env("PATH", path)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

#[test]
fn every_printed_command_fixes_its_finding_on_the_emulator() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let wrapper = aws_wrapper(moto.url());
    let bin: PathBuf = wrapper.path().to_owned();
    let mut problems = Vec::new();
    for support::Drift {
        name: drift,
        policies: expected,
        ..
    } in support::DRIFTS
    {
        moto.provision(&["reset", "reference", &format!("drift:{drift}")]);
        let before = scan(moto);
        let findings = before["findings"].as_array().unwrap();
        let mut ids: Vec<&str> = findings
            .iter()
            .map(|f| f["policy_id"].as_str().unwrap())
            .collect();
        ids.dedup();
        let mut want: Vec<&str> = expected.to_vec();
        want.sort_unstable();
        ids.sort_unstable();
        ids.dedup();
        if ids != want {
            problems.push(format!("{drift}: findings {ids:?}, expected {want:?}"));
            continue;
        }
        // Run every command in report order; one may fail because an earlier one already fixed
        // the same thing (two policies revoking the same rule): that is checked below.
        let mut failed: BTreeMap<String, String> = BTreeMap::new();
        for f in findings {
            let Some(cli) = f["remediation"]["cli"].as_str() else {
                continue;
            };
            if let Err(e) = run_command(cli, &bin) {
                failed.insert(f["fingerprint"].as_str().unwrap().to_owned(), e);
            }
        }
        let after = scan(moto);
        let before_fps: BTreeMap<&str, &Value> = findings
            .iter()
            .map(|f| (f["fingerprint"].as_str().unwrap(), f))
            .collect();
        for f in after["findings"].as_array().unwrap() {
            let fp = f["fingerprint"].as_str().unwrap();
            match before_fps.get(fp) {
                None => problems.push(format!(
                    "{drift}: the fix introduced {} on {}: {}",
                    f["policy_id"], f["resource"]["id"], f["message"]
                )),
                Some(b) if b["remediation"]["cli"].is_string() => problems.push(format!(
                    "{drift}: {} still there after `{}`{}",
                    f["policy_id"],
                    b["remediation"]["cli"].as_str().unwrap(),
                    failed
                        .get(fp)
                        .map(|e| format!(" (it failed: {e})"))
                        .unwrap_or_default()
                )),
                Some(_) => {} // manual: stays until the user acts
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
