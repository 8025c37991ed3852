//! The example workflows (examples/github/), the release workflow and the Kubernetes example:
//! actionlint (or the Kubernetes schemas) find nothing, they ask for what the gate needs, none
//! of them compiles archaudit, and every archaudit flag they pass exists.

mod support;

use serde::Deserialize;
use std::process::Command;

const WORKFLOW: &str = "examples/github/archaudit-nightly.yml";

/// `file` (relative to the root) lints clean and holds every one of `needles`.
fn lints_clean_and_holds(file: &str, needles: &[&str]) {
    let (clean, said) = actionlint(std::path::Path::new(file));
    assert!(clean, "{said}");
    let text = std::fs::read_to_string(support::root().join(file)).unwrap();
    for needle in needles {
        assert!(text.contains(needle), "{file} lacks {needle}");
    }
}

/// Runs actionlint on `workflow` (relative to the root); whether it found nothing, and what
/// it said.
fn actionlint(workflow: &std::path::Path) -> (bool, String) {
    let actionlint = support::tools_dir().join("lint/bin/actionlint");
    let shellcheck = support::tools_dir().join("lint/bin/shellcheck");
    let out = Command::new(&actionlint)
        .arg("-shellcheck")
        .arg(&shellcheck)
        .arg(workflow)
        .current_dir(support::root())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/venv.sh)", actionlint.display()));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[test]
fn the_example_workflow_lints_clean() {
    let (clean, said) = actionlint(std::path::Path::new(WORKFLOW));
    assert!(clean, "{said}");
    // The linter does lint: a broken copy fails.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    let text = std::fs::read_to_string(support::root().join(WORKFLOW)).unwrap();
    assert!(text.contains("steps.scan.outputs.exit-code"));
    std::fs::write(
        &broken,
        text.replace(
            "steps.scan.outputs.exit-code",
            "step.scan.outputs.exit-code",
        ),
    )
    .unwrap();
    assert!(!actionlint(&broken).0);
}

#[test]
fn the_release_workflow_lints_clean_and_publishes_what_it_verified() {
    lints_clean_and_holds(
        ".github/workflows/release.yml",
        &[
            "scripts/dist.sh --target",
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "aarch64-apple-darwin",
            "scripts/package.py sums",
            "actions/attest-build-provenance@",
            "subject-checksums: dist/SHA256SUMS",
            "--draft",
            "--verify-tag",
            "id-token: write",
            "attestations: write",
            "permissions: {}",
        ],
    );
}

#[test]
fn the_example_workflow_has_what_the_gate_needs() {
    let text = std::fs::read_to_string(support::root().join(WORKFLOW)).unwrap();
    for needle in [
        "id-token: write",
        "security-events: write",
        "aws-actions/configure-aws-credentials@",
        "uses: archaudit/archaudit@",
        "sarif-file: archaudit.sarif",
        "actions/cache/restore@",
        "actions/cache/save@",
        "GITHUB_STEP_SUMMARY",
        "--baseline",
        "schedule:",
    ] {
        assert!(text.contains(needle), "the workflow lacks {needle}");
    }
    let commands = commands(WORKFLOW);
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(commands[0].len() >= 8, "{commands:?}");
    flags_exist(&commands[0]);
    // The baseline flag is built in a step of its own.
    flags_exist(&["scan".to_owned(), "--baseline".to_owned()]);
}

const ORG_MATRIX: &str = "examples/github/archaudit-org-matrix.yml";
const INDEXED_JOB: &str = "examples/kubernetes/archaudit-indexed-job.yaml";

#[test]
fn the_organization_matrix_lints_clean_and_gates_on_the_merge() {
    lints_clean_and_holds(
        ORG_MATRIX,
        &[
            "matrix:",
            "--shard ${{ matrix.shard }}/4",
            "merge shard-1.json shard-2.json shard-3.json shard-4.json",
            "--fail-on never --allow-incomplete",
            "ARCHAUDIT_RUN_ID",
            "sarif-file: shard-",
            "--baseline",
            "GITHUB_STEP_SUMMARY",
        ],
    );
    let commands = commands(ORG_MATRIX);
    let subcommands: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(subcommands, ["scan", "merge"]);
    commands.iter().for_each(|c| flags_exist(c));
}

#[test]
fn no_example_compiles_archaudit() {
    for file in [WORKFLOW, ORG_MATRIX, INDEXED_JOB] {
        let text = std::fs::read_to_string(support::root().join(file)).unwrap();
        assert!(!text.contains("cargo install"), "{file} compiles archaudit");
        assert!(
            !text.contains("/bin/sh"),
            "{file} needs a shell the image has not"
        );
    }
}

#[test]
fn the_indexed_job_is_valid_kubernetes() {
    let validate = support::tools_dir().join("lint/bin/kubernetes-validate");
    let run = |file: &std::path::Path| {
        Command::new(&validate)
            .args(["--strict", "-k", "1.30.0"])
            .arg(file)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/venv.sh)", validate.display()))
    };
    let out = run(&support::root().join(INDEXED_JOB));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator does validate: a Job with a misspelt field fails.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    let text = std::fs::read_to_string(support::root().join(INDEXED_JOB)).unwrap();
    std::fs::write(
        &broken,
        text.replace("completionMode: Indexed", "completionMod: Indexed"),
    )
    .unwrap();
    assert!(!run(&broken).status.success());
    assert!(text.contains("readOnlyRootFilesystem: true"));
    let commands = commands(INDEXED_JOB);
    let subcommands: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(subcommands, ["scan", "merge"]);
    assert!(commands[0].windows(2).any(|w| w == ["--shard", "job/4"]));
    commands.iter().for_each(|c| flags_exist(c));
}

/// The archaudit command lines of an example, as words: the `args` of each step that uses the
/// archaudit action (GitHub), or of each container (Kubernetes).
fn commands(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(support::root().join(file)).unwrap();
    let mut out = Vec::new();
    for doc in serde_yaml_ng::Deserializer::from_str(&text) {
        let doc = serde_yaml_ng::Value::deserialize(doc).unwrap();
        if let Some(jobs) = doc["jobs"].as_mapping() {
            for job in jobs.values() {
                for step in job["steps"].as_sequence().into_iter().flatten() {
                    let uses = step["uses"].as_str().unwrap_or("");
                    if uses.starts_with("archaudit/archaudit@") {
                        let args = step["with"]["args"].as_str().expect("the action's args");
                        out.push(args.split_whitespace().map(str::to_owned).collect());
                    }
                }
            }
        }
        let containers = &doc["spec"]["template"]["spec"]["containers"];
        for container in containers.as_sequence().into_iter().flatten() {
            let args = container["args"]
                .as_sequence()
                .expect("the container's args");
            out.push(
                args.iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
            );
        }
    }
    out
}

/// Every `--flag` of `command` (its first word the subcommand) is in that subcommand's help.
fn flags_exist(command: &[String]) {
    let help = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .args([command[0].as_str(), "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let flags: Vec<&String> = command.iter().filter(|w| w.starts_with("--")).collect();
    assert!(!flags.is_empty(), "{command:?}");
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`archaudit {}` has no {flag}",
            command[0]
        );
    }
}

#[test]
fn the_shell_scripts_pass_shellcheck() {
    let shellcheck = support::tools_dir().join("lint/bin/shellcheck");
    let mut scripts = vec![support::root().join(".ci/run")];
    for dir in ["scripts", "action"] {
        for entry in std::fs::read_dir(support::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sh") {
                scripts.push(path);
            }
        }
    }
    assert!(scripts.len() >= 8, "{scripts:?}");
    let out = Command::new(&shellcheck)
        .args(&scripts)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/venv.sh)", shellcheck.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
