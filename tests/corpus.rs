//! The bad-input corpus (tests/corpus/, written by tests/corpus/make.py, plus large files made
//! here): every malformed inventory, archaudit.toml, policy, plan, baseline, Terraform state,
//! accounts file and shard report makes archaudit exit 3 with an error naming the file and the
//! position (or, for a property of the whole file such as its version, saying which), without
//! a panic or abort, and without leaving an output file behind. No test here asserts elapsed
//! time (a busy machine would fail it); the 60-second kill only keeps a hang from stalling
//! the suite, and how fast large hostile inputs are refused is measured by
//! `scripts/bench-untrusted.sh` (docs/performance.md).

mod support;

use std::path::{Path, PathBuf};

/// Errors about the file as a whole (its version, its kind, its account): no position applies.
const WHOLE_FILE: &[&str] = &[
    "has schema_version",
    "is version",
    "is not an archaudit",
    "is a report of",
    "state format version",
    "not a Terraform state",
    "is not an organization report",
    "details do not fit fix",
    "is not an archaudit plan",
    "it has no `version`",
];

fn files(kind: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(support::root().join("tests/corpus").join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    out
}

/// Runs archaudit on one bad input; returns what is wrong with how it failed, if anything.
fn check(file: &Path, args: &[&str], out_file: &Path, named: &str) -> Option<String> {
    let run = support::archaudit("http://127.0.0.1:1")
        .current_dir(support::root())
        .args(args)
        .timeout(support::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    let name = file.file_name().unwrap().to_string_lossy();
    let mut problems = Vec::new();
    if run.status.code() != Some(3) {
        problems.push(format!("exit {:?}", run.status.code()));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("panic".to_owned());
    }
    if !stderr.contains(named) {
        problems.push("the error does not name the file".to_owned());
    }
    let after = stderr.split(named).nth(1).unwrap_or_default();
    let located = after.starts_with(':') && after[1..].starts_with(|c: char| c.is_ascii_digit())
        || after.contains("line ");
    if !located && !WHOLE_FILE.iter().any(|w| stderr.contains(w)) {
        problems.push("the error gives no position".to_owned());
    }
    if out_file.exists() {
        problems.push(format!("{} was left behind", out_file.display()));
    }
    (!problems.is_empty()).then(|| format!("{name}: {} — {stderr}", problems.join(", ")))
}

#[test]
fn every_bad_input_is_refused_with_its_file_and_position() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let out_s = out.to_str().unwrap();
    let mut problems = Vec::new();
    let mut count = 0;
    let rel = |p: &Path| {
        p.strip_prefix(support::root())
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    for f in files("inventory") {
        let r = rel(&f);
        problems.extend(check(
            &f,
            &["scan", "--inventory", &r, "--json", out_s],
            &out,
            &r,
        ));
        count += 1;
    }
    // Files given beside the shipped reference inventory, by their flag.
    for (kind, flag) in [("config", "--config"), ("baseline", "--baseline")] {
        for f in files(kind) {
            let r = rel(&f);
            let args = [
                "scan",
                "--inventory",
                "fixtures/reference.json",
                flag,
                &r,
                "--json",
                out_s,
            ];
            problems.extend(check(&f, &args, &out, &r));
            count += 1;
        }
    }
    for f in files("policy") {
        // Alone in a directory, as a user's policy directory.
        let dir = tmp.path().join(f.file_stem().unwrap());
        std::fs::create_dir_all(&dir).unwrap();
        let copy = dir.join(f.file_name().unwrap());
        std::fs::copy(&f, &copy).unwrap();
        let args = [
            "scan",
            "--inventory",
            "fixtures/reference.json",
            "--policies",
            dir.to_str().unwrap(),
            "--policy-time-limit",
            "1",
            "--json",
            out_s,
        ];
        problems.extend(check(&f, &args, &out, copy.to_str().unwrap()));
        count += 1;
    }
    // Terraform states and .driftignore files, beside the shipped reference inventory.
    for (kind, flag) in [("tfstate", "--tfstate"), ("driftignore", "--driftignore")] {
        for f in files(kind) {
            let r = rel(&f);
            let state = if kind == "tfstate" {
                r.as_str()
            } else {
                "tests/tfstate/reference.tfstate"
            };
            let mut args = vec![
                "drift",
                "--inventory",
                "fixtures/reference.json",
                "--tfstate",
                state,
            ];
            if kind == "driftignore" {
                args.extend([flag, &r]);
            }
            args.extend(["--json", out_s]);
            problems.extend(check(&f, &args, &out, &r));
            count += 1;
        }
    }
    for f in files("plan") {
        // The endpoint refuses connections: nothing may be sent anywhere.
        let r = rel(&f);
        problems.extend(check(
            &f,
            &["fix", "--plan", &r, "--apply", "--yes"],
            &out,
            &r,
        ));
        count += 1;
    }
    for f in files("accounts") {
        // Read before any call: the endpoint refuses connections anyway.
        let r = rel(&f);
        problems.extend(check(
            &f,
            &["scan", "--accounts", &r, "--json", out_s],
            &out,
            &r,
        ));
        count += 1;
    }
    for f in files("orgreport") {
        let r = rel(&f);
        problems.extend(check(&f, &["merge", &r, "--json", out_s], &out, &r));
        count += 1;
    }
    assert!(count >= 60, "only {count} corpus files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_large_hostile_inventory_is_refused_at_its_unknown_key() {
    // 50 MB: an unknown key holding a long array, after a valid header. The version is probed
    // without building a JSON tree, and the typed parse stops at the unknown key.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("large.json");
    let mut text = String::from("{\"schema_version\": 1, \"junk\": [");
    let item = "{\"a\": [1, 2, 3, 4, 5, 6, 7, 8], \"b\": \"xxxxxxxxxxxxxxxx\"},";
    while text.len() < 50 << 20 {
        text.push_str(item);
    }
    text.push_str("0]}");
    std::fs::write(&path, &text).unwrap();
    let run = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .args(["scan", "--inventory", path.to_str().unwrap()])
        .timeout(support::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("unknown field `junk`"), "{stderr}");
}

#[test]
fn large_non_reports_given_to_merge_are_refused_at_their_first_byte_or_key() {
    // 50 MB each: zeros, and an object whose first key holds a long array. Neither is held
    // as a JSON tree: the first is refused at its first byte, the second by the streaming
    // probe (no `kind`, no `version`), and both name the file.
    let tmp = tempfile::tempdir().unwrap();
    let zeros = tmp.path().join("zeros.json");
    std::fs::write(&zeros, vec![0u8; 50 << 20]).unwrap();
    let object = tmp.path().join("object.json");
    let mut text = String::from("{\"junk\": [");
    while text.len() < 50 << 20 {
        text.push_str("[1, 2, 3, \"xxxxxxxxxxxxxxxx\"],");
    }
    text.push_str("0]}");
    std::fs::write(&object, &text).unwrap();
    for (file, expected) in [
        (&zeros, "expected a JSON object"),
        (&object, "not an organization report"),
    ] {
        let run = assert_cmd::Command::cargo_bin("archaudit")
            .unwrap()
            .args(["merge", file.to_str().unwrap()])
            .timeout(support::HANG_GUARD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn invalid_utf8_given_to_diff_is_refused_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.json");
    std::fs::write(&file, b"{\"version\": 2,\n \"findings\": \"\xff\"}").unwrap();
    let name = file.to_str().unwrap();
    let run = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .args(["diff", name, name])
        .timeout(support::HANG_GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("{name}: line 2, column 15")),
        "{stderr}"
    );
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}
