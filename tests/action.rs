//! The GitHub Action's install path (action.yml), run here as a runner would run it: a
//! release-like archive packed by scripts/package.py (the one scripts/dist.sh uses) around the
//! archaudit binary, its SHA256SUMS, served from 127.0.0.1; the action's own `run` steps are
//! read from action.yml, their `${{ }}` expressions resolved, and executed with bash as the
//! runner does. The `uses:` steps (actions/cache, upload-sarif) are not run: the cache is
//! emulated by keeping the runner's tool cache between installs.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const ARCHIVE_TARGET: &str = "x86_64-unknown-linux-musl";

/// Serves the files under `dir` over HTTP on 127.0.0.1 until the test ends; counts requests.
fn serve(dir: PathBuf) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut request = String::new();
            BufReader::new(&stream).read_line(&mut request).unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let file = dir.join(path.trim_start_matches('/'));
            let response = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    (url, hits)
}

/// A release directory like GitHub's: `<dir>/v<version>/{archive, SHA256SUMS}`.
fn release(dir: &Path) -> PathBuf {
    let out = dir.join(format!("v{VERSION}"));
    std::fs::create_dir_all(&out).unwrap();
    let package = |args: &[&str]| {
        let status = Command::new(support::python())
            .arg(support::root().join("scripts/package.py"))
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "package.py {args:?}");
    };
    let bin = assert_cmd::cargo::cargo_bin("archaudit");
    let out_str = out.to_str().unwrap();
    package(&[
        "archive",
        bin.to_str().unwrap(),
        VERSION,
        ARCHIVE_TARGET,
        out_str,
    ]);
    package(&["sums", out_str]);
    out
}

/// One job's view of the action: the action checkout (action.yml, its script, its
/// checksums), the runner's directories, the inputs.
struct Runner {
    action: PathBuf,
    temp: PathBuf,
    tool_cache: PathBuf,
    github_path: PathBuf,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// action.yml, parsed once.
    yml: serde_yaml_ng::Value,
}

impl Runner {
    fn new(dir: &Path, checksums: Option<&str>, inputs: &[(&str, &str)]) -> Runner {
        let action = dir.join("action-checkout");
        std::fs::create_dir_all(action.join("action/checksums")).unwrap();
        std::fs::copy(
            support::root().join("action.yml"),
            action.join("action.yml"),
        )
        .unwrap();
        let script = "action/archaudit-action.sh";
        std::fs::copy(support::root().join(script), action.join(script)).unwrap();
        if let Some(sums) = checksums {
            std::fs::write(
                action.join(format!("action/checksums/{VERSION}.sha256")),
                sums,
            )
            .unwrap();
        }
        let text = std::fs::read_to_string(action.join("action.yml")).unwrap();
        let runner = Runner {
            yml: serde_yaml_ng::from_str(&text).unwrap(),
            temp: dir.join("runner-temp"),
            tool_cache: dir.join("tool-cache"),
            github_path: dir.join("github-path"),
            action,
            inputs: inputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            outputs: BTreeMap::new(),
        };
        std::fs::create_dir_all(&runner.temp).unwrap();
        std::fs::write(&runner.github_path, "").unwrap();
        runner
    }

    /// Resolves the `${{ }}` expressions the action's run steps use.
    fn resolve(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unclosed ${{") + start;
            let expr = rest[start + 3..end].trim();
            let value = if let Some(name) = expr.strip_prefix("inputs.") {
                self.inputs.get(name).cloned().unwrap_or_else(|| {
                    let default = &self.yml["inputs"][name]["default"];
                    let default = default
                        .as_str()
                        .unwrap_or_else(|| panic!("no input {name}"));
                    self.resolve(default)
                })
            } else if let Some(path) = expr.strip_prefix("steps.") {
                let (step, name) = path.split_once(".outputs.").unwrap();
                self.outputs[step].get(name).cloned().unwrap_or_default()
            } else {
                match expr {
                    "github.action_path" => self.action.to_str().unwrap().to_owned(),
                    "github.token" => String::new(),
                    _ => panic!("the test runner does not know ${{{{ {expr} }}}}"),
                }
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Runs the action's `run` step `id` as the runner does; its exit status and stderr.
    fn step(&mut self, id: &str, workspace: &Path) -> (bool, String) {
        let steps = self.yml["runs"]["steps"].as_sequence().unwrap();
        let step = steps
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("action.yml has no step {id}"));
        assert_eq!(step["shell"].as_str(), Some("bash"), "step {id}");
        let output_file = self.temp.join(format!("output-{id}"));
        std::fs::write(&output_file, "").unwrap();
        let added: Vec<String> = std::fs::read_to_string(&self.github_path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let path = added
            .iter()
            .cloned()
            .chain(std::env::var("PATH"))
            .collect::<Vec<_>>()
            .join(":");
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
            .arg(step["run"].as_str().unwrap())
            .current_dir(workspace)
            .env("PATH", path)
            .env("GITHUB_ACTION_PATH", &self.action)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &self.github_path)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &self.temp)
            .env("RUNNER_TOOL_CACHE", &self.tool_cache)
            .env("AWS_EC2_METADATA_DISABLED", "true");
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                let value = self.resolve(v.as_str().unwrap());
                assert!(!value.contains("${{"), "{value}");
                cmd.env(k.as_str().unwrap(), value);
            }
        }
        let out = cmd.output().unwrap();
        let outputs = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        self.outputs.insert(id.to_owned(), outputs);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.success(), stderr)
    }

    /// The `where` then `install` steps.
    fn install(&mut self) -> (bool, String) {
        let root = support::root();
        let (ok, said) = self.step("where", &root);
        assert!(ok, "{said}");
        self.step("install", &root)
    }

    fn installed(&self) -> Vec<String> {
        std::fs::read_to_string(&self.github_path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn sums(release: &Path) -> String {
    std::fs::read_to_string(release.join("SHA256SUMS")).unwrap()
}

/// A temporary directory with a release in it, served from 127.0.0.1: the directory, the
/// release's own directory, the server's URL and its request count.
fn served_release() -> (tempfile::TempDir, PathBuf, String, Arc<AtomicUsize>) {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("releases");
    let release = release(&served);
    let (url, hits) = serve(served);
    (dir, release, url, hits)
}

#[test]
fn a_matching_checksum_installs_caches_and_runs_with_the_exit_code_passed_through() {
    let (dir, release, url, hits) = served_release();
    let inputs = [
        ("download-url", url.as_str()),
        (
            "args",
            "scan --inventory 'fixtures/drifted.json' --format json --output report.json",
        ),
    ];
    let mut runner = Runner::new(dir.path(), Some(&sums(&release)), &inputs);
    let (ok, said) = runner.install();
    assert!(ok, "{said}");
    assert!(said.contains("SHA-256"), "{said}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let installed = runner.installed();
    assert_eq!(installed.len(), 1, "{installed:?}");
    assert!(Path::new(&installed[0]).join("archaudit").is_file());
    assert_eq!(
        runner.outputs["install"]["path"],
        format!("{}/archaudit", installed[0])
    );

    // The run step passes archaudit's exit code through: 1, drift in the shipped snapshot.
    let workspace = tempfile::tempdir().unwrap();
    std::fs::create_dir(workspace.path().join("fixtures")).unwrap();
    std::fs::copy(
        support::root().join("fixtures/drifted.json"),
        workspace.path().join("fixtures/drifted.json"),
    )
    .unwrap();
    let (ok, said) = runner.step("run", workspace.path());
    assert!(
        ok,
        "the run step records the code, the last step fails the job: {said}"
    );
    assert_eq!(runner.outputs["run"]["exit-code"], "1", "{said}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(workspace.path().join("report.json")).unwrap())
            .unwrap();
    assert!(!report["findings"].as_array().unwrap().is_empty());

    // A second job with the same tool cache (a restored actions/cache) downloads nothing and
    // still verifies what it installs.
    std::fs::write(&runner.github_path, "").unwrap();
    let (ok, said) = runner.install();
    assert!(ok, "{said}");
    assert!(said.contains("from the cache"), "{said}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the cached archive was downloaded again"
    );
    assert_eq!(runner.installed().len(), 1);

    // A cached archive that was tampered with is not trusted: it is downloaded again.
    let cached = PathBuf::from(&runner.outputs["where"]["dir"])
        .join(format!("archaudit-{VERSION}-{ARCHIVE_TARGET}.tar.gz"));
    std::fs::write(&cached, b"not the release").unwrap();
    std::fs::write(&runner.github_path, "").unwrap();
    let (ok, said) = runner.install();
    assert!(ok, "{said}");
    assert!(said.contains("does not match its checksum"), "{said}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn a_mismatched_or_missing_checksum_refuses_and_installs_nothing() {
    let (dir, release, url, hits) = served_release();
    let archive = format!("archaudit-{VERSION}-{ARCHIVE_TARGET}.tar.gz");
    let good = sums(&release);
    let wrong = format!("{}  {archive}\n", "0".repeat(64));
    let other_target = good.replace(ARCHIVE_TARGET, "aarch64-unknown-linux-musl");
    // (case, the action's checksums file, extra inputs, what the refusal says)
    type Case<'a> = (&'a str, Option<&'a str>, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("mismatch", Some(&wrong), &[], "does not match"),
        ("no checksums file", None, &[], "carries no checksums"),
        (
            "no line for this target",
            Some(&other_target),
            &[],
            "has no checksum for",
        ),
        (
            "attestation required, gh missing",
            Some(&good),
            &[("verify-attestation", "always")],
            "gh or a token is missing",
        ),
        (
            "plain http off loopback",
            Some(&good),
            &[("download-url", "http://example.com/releases")],
            "neither https nor loopback",
        ),
    ];
    for (case, checksums, extra, expected) in cases {
        let case_dir = dir.path().join(case.replace(' ', "-"));
        let mut inputs = vec![("download-url", url.as_str())];
        inputs.extend_from_slice(extra);
        let mut runner = Runner::new(&case_dir, checksums, &inputs);
        let (ok, said) = runner.install();
        assert!(!ok, "{case}: installed anyway");
        assert!(said.contains(expected), "{case}: {said}");
        assert!(said.contains("::error"), "{case}: {said}");
        assert!(
            runner.installed().is_empty(),
            "{case}: {:?}",
            runner.installed()
        );
        assert!(
            !runner.outputs["install"].contains_key("path"),
            "{case}: an install path was written"
        );
        // Nothing runnable was left behind: no archive in the cache, no extracted binary.
        let cache = PathBuf::from(&runner.outputs["where"]["dir"]);
        assert!(!cache.join(&archive).exists(), "{case}: archive cached");
        let extracted = std::fs::read_dir(&runner.temp)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name() != "output-where")
            .filter(|e| e.as_ref().unwrap().file_name() != "output-install")
            .count();
        assert_eq!(extracted, 0, "{case}: something was extracted");
    }
    // Only the checksum mismatch and the attestation case downloaded; the refusals decided
    // before any download never asked for the archive.
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn the_actions_default_version_is_this_build_and_its_pins_are_commits() {
    let yml: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(support::root().join("action.yml")).unwrap(),
    )
    .unwrap();
    assert_eq!(yml["inputs"]["version"]["default"].as_str(), Some(VERSION));
    assert_eq!(yml["runs"]["using"].as_str(), Some("composite"));
    // Every input a step names is declared.
    let text = std::fs::read_to_string(support::root().join("action.yml")).unwrap();
    for used in text.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(
            yml["inputs"][name.as_str()].is_mapping(),
            "undeclared input {name}"
        );
    }
    for file in pinned_files() {
        let problems = unpinned(&file);
        assert!(problems.is_empty(), "{}: {problems:?}", file.display());
    }
}

/// action.yml, the release workflow and the example workflows.
fn pinned_files() -> Vec<PathBuf> {
    let root = support::root();
    let mut files = vec![
        root.join("action.yml"),
        root.join(".github/workflows/release.yml"),
    ];
    for entry in std::fs::read_dir(root.join("examples/github")).unwrap() {
        files.push(entry.unwrap().path());
    }
    files
}

/// Every `uses:` not pinned to a full commit SHA with the tag it stands for beside it.
fn unpinned(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .filter_map(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses:")
        })
        .map(str::trim)
        .filter(|u| !u.starts_with("./"))
        .filter(|u| {
            let (reference, comment) = u.split_once(" # ").unwrap_or((u, ""));
            let sha = reference.rsplit_once('@').map_or("", |(_, s)| s);
            sha.len() != 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) || comment.is_empty()
        })
        .map(|u| format!("`uses: {u}` is not pinned to a commit SHA with its tag in a comment"))
        .collect()
}

#[test]
fn the_pin_check_finds_a_tag_pin() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.yml");
    std::fs::write(
        &file,
        "steps:\n  - uses: actions/checkout@v4\n  - uses: actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5\n",
    )
    .unwrap();
    assert_eq!(unpinned(&file).len(), 1);
}
