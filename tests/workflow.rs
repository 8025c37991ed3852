//! The example GitHub workflow (examples/github/archaudit-nightly.yml): actionlint finds
//! nothing, it asks for the permissions it needs, and every archaudit flag it uses exists.

mod support;

use std::process::Command;

const WORKFLOW: &str = "examples/github/archaudit-nightly.yml";

/// Runs actionlint on `workflow` (relative to the root); whether it found nothing, and what
/// it said.
fn actionlint(workflow: &std::path::Path) -> (bool, String) {
    let actionlint = support::tools_dir().join("lint/bin/actionlint");
    let out = Command::new(&actionlint)
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
    std::fs::write(
        &broken,
        text.replace("steps.scan.outputs.code", "step.scan.outputs.code"),
    )
    .unwrap();
    assert!(!actionlint(&broken).0);
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

const ORG_MATRIX: &str = "examples/github/archaudit-org-matrix.yml";
const INDEXED_JOB: &str = "examples/kubernetes/archaudit-indexed-job.yaml";

#[test]
fn the_organization_matrix_lints_clean_and_gates_on_the_merge() {
    let (clean, said) = actionlint(std::path::Path::new(ORG_MATRIX));
    assert!(clean, "{said}");
    let text = std::fs::read_to_string(support::root().join(ORG_MATRIX)).unwrap();
    for needle in [
        "matrix:",
        "--shard \"${{ matrix.shard }}/4\"",
        "archaudit merge shard-*.json",
        "ARCHAUDIT_RUN_ID",
        "github/codeql-action/upload-sarif@v3",
        "--baseline",
        "GITHUB_STEP_SUMMARY",
    ] {
        assert!(text.contains(needle), "the matrix lacks {needle}");
    }
    flags_exist(&text, "archaudit scan --org", &["scan", "--help"]);
    flags_exist(&text, "archaudit merge", &["merge", "--help"]);
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
    assert!(text.contains("JOB_COMPLETION_INDEX + 1"));
    flags_exist(&text, "archaudit scan --org", &["scan", "--help"]);
    flags_exist(&text, "archaudit merge", &["merge", "--help"]);
}

/// Every `--flag` of the `archaudit …` command starting with `start` in `text` is in the
/// help of `help_args`.
fn flags_exist(text: &str, start: &str, help_args: &[&str]) {
    let command: String = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(start))
        .take_while(|l| l.trim_end().ends_with('\\') || l.trim_start().starts_with(start))
        .chain(
            text.lines()
                .skip_while(|l| !l.trim_start().starts_with(start))
                .skip_while(|l| l.trim_end().ends_with('\\'))
                .take(1),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let help = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .args(help_args)
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let flags: Vec<&str> = command
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(!flags.is_empty(), "{start}: {command}");
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`archaudit {}` has no {flag}",
            help_args[0]
        );
    }
}
