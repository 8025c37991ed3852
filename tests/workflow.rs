//! The example GitHub workflow (examples/github/archaudit-nightly.yml): actionlint finds
//! nothing, it asks for the permissions it needs, and every archaudit flag it uses exists.

mod support;

use std::process::Command;

const WORKFLOW: &str = "examples/github/archaudit-nightly.yml";

#[test]
fn the_example_workflow_lints_clean() {
    let actionlint = support::tools_dir().join("lint/bin/actionlint");
    let out = Command::new(&actionlint)
        .arg(WORKFLOW)
        .current_dir(support::root())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/venv.sh)", actionlint.display()));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The linter does lint: a broken copy fails.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    let text = std::fs::read_to_string(support::root().join(WORKFLOW)).unwrap();
    std::fs::write(
        &broken,
        text.replace("steps.scan.outputs.code", "step.scan.outputs.code"),
    )
    .unwrap();
    let out = Command::new(&actionlint).arg(&broken).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn the_example_workflow_has_what_the_gate_needs() {
    let text = std::fs::read_to_string(support::root().join(WORKFLOW)).unwrap();
    for needle in [
        "id-token: write",
        "security-events: write",
        "aws-actions/configure-aws-credentials@v4",
        "github/codeql-action/upload-sarif@v3",
        "actions/cache/restore@v4",
        "actions/cache/save@v4",
        "GITHUB_STEP_SUMMARY",
        "--baseline",
        "schedule:",
    ] {
        assert!(text.contains(needle), "the workflow lacks {needle}");
    }
    // Every `--flag` of the `archaudit scan` command it runs is a real scan flag.
    let command: String = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("archaudit scan"))
        .take_while(|l| !l.contains("|| code=$?"))
        .chain(text.lines().filter(|l| l.contains("|| code=$?")))
        .collect::<Vec<_>>()
        .join(" ");
    let help = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .args(["scan", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let flags: Vec<&str> = command
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(flags.len() >= 8, "{command}");
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`archaudit scan` has no {flag}"
        );
    }
}
