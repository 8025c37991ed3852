//! The layout's rules, enforced: only `aws/`, `collect/` and `fix/` use the AWS SDK crates, and
//! no module reaches up to a later stage (gather → judge → present → command line).

mod support;

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(module, text)` for every file under src/, the module being the first path component
/// (`collect` for src/collect/ec2.rs, `config` for src/config.rs).
fn modules() -> Vec<(String, String, String)> {
    let src = support::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap().to_string_lossy().to_string();
            let module = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            (rel, module, text)
        })
        .collect()
}

/// Code lines only (comments and doc comments dropped), so docs may name anything.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn only_aws_collect_and_fix_use_the_sdk() {
    // Paths into the SDK crates (`aws_sdk_ec2::…`, `use aws_config::…`), not mere mentions
    // such as a log filter string.
    let sdk = ["aws_sdk_", "aws_config::", "aws_smithy_", "aws_types::"];
    let mut offenders = Vec::new();
    for (rel, module, text) in modules() {
        if matches!(module.as_str(), "aws" | "collect" | "fix") {
            continue;
        }
        let code = code(&text);
        for name in sdk {
            let hit = code.match_indices(name).any(|(i, _)| {
                let rest = &code[i..];
                let path_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'));
                path_end.is_some_and(|e| rest[e..].starts_with("::"))
            });
            if hit {
                offenders.push(format!("src/{rel} uses {name}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn no_module_reaches_up_a_stage() {
    // What each module may not name: later stages, and the command line.
    let forbidden: &[(&str, &[&str])] = &[
        (
            "cidr",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "names",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "text",
            &[
                "aws",
                "collect",
                "config",
                "policy",
                "scan",
                "report",
                "cli",
                "fix",
                "inventory",
            ],
        ),
        (
            "inventory",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "aws",
            &[
                "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "collect",
            &["config", "policy", "scan", "report", "cli", "fix"],
        ),
        (
            "config",
            &["aws", "collect", "policy", "scan", "report", "cli", "fix"],
        ),
        (
            "finding",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "policy",
            &["aws", "collect", "config", "scan", "report", "cli", "fix"],
        ),
        ("scan", &["aws", "collect", "report::table", "cli", "fix"]),
        (
            "terraform",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix",
            ],
        ),
        (
            "tfstate",
            &[
                "aws", "collect", "config", "policy", "scan", "report", "cli", "fix", "drift",
            ],
        ),
        (
            "drift",
            &["aws", "collect", "config", "policy", "scan", "cli", "fix"],
        ),
        (
            "diff",
            &["aws", "collect", "config", "policy", "scan", "cli", "fix"],
        ),
        (
            "report",
            &[
                "aws", "collect", "config", "policy", "scan", "cli", "fix", "org",
            ],
        ),
        // org runs the stages over many accounts; the command line only calls it.
        ("org", &["cli"]),
        // fix orchestrates plan, apply and verify itself: the command line only calls it.
        ("fix", &["cli"]),
    ];
    let mut offenders = Vec::new();
    for (rel, module, text) in modules() {
        let Some((_, banned)) = forbidden.iter().find(|(m, _)| *m == module) else {
            continue;
        };
        let code = code(&text);
        for b in *banned {
            if code.contains(&format!("crate::{b}")) || code.contains(&format!("super::{b}::")) {
                offenders.push(format!("src/{rel} ({module}) names crate::{b}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn files_stay_small_or_say_why() {
    let mut offenders = Vec::new();
    for (rel, _, text) in modules() {
        let lines = text.lines().count();
        if lines > 400 && !text.contains("Longer than 400 lines because") {
            offenders.push(format!("src/{rel}: {lines} lines"));
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

/// The 1-based first line, name and length in lines of every `fn` in `text` (braces counted
/// outside strings, chars and comments).
fn functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        let Some(at) = t.find("fn ") else { continue };
        let before = &t[..at];
        let qualifiers = [
            "pub",
            "pub(crate)",
            "pub(super)",
            "async",
            "const",
            "unsafe",
        ];
        if !before.split_whitespace().all(|w| qualifiers.contains(&w)) {
            continue;
        }
        let name: String = t[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened) = (0i64, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            let mut chars = l.chars().peekable();
            let mut in_str = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' if in_str => {
                        chars.next();
                    }
                    '"' => in_str = !in_str,
                    '/' if !in_str && chars.peek() == Some(&'/') => break,
                    '\'' if !in_str => {
                        // A char literal ('{'), not a lifetime ('a).
                        let rest: String = chars.clone().take(3).collect();
                        if rest.chars().nth(1) == Some('\'') || rest.starts_with('\\') {
                            chars.nth(if rest.starts_with('\\') { 2 } else { 1 });
                        }
                    }
                    '{' if !in_str => {
                        depth += 1;
                        opened = true;
                    }
                    '}' if !in_str => depth -= 1,
                    _ => {}
                }
            }
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
            if opened && depth == 0 {
                out.push((i + 1, name.clone(), j - i + 1));
                break;
            }
        }
    }
    out
}

#[test]
fn functions_in_fix_and_cli_stay_under_80_lines() {
    let mut offenders = Vec::new();
    for (rel, module, text) in modules() {
        if !matches!(module.as_str(), "fix" | "cli") {
            continue;
        }
        for (line, name, len) in functions(&text) {
            if len > 80 {
                offenders.push(format!("src/{rel}:{line}: fn {name} is {len} lines"));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_function_counter_counts() {
    let text = "fn a() {\n    let s = \"}\";\n    let c = '{';\n}\n\npub async fn b<'a>(x: &'a str) {\n    // }\n}\n";
    assert_eq!(
        functions(text),
        vec![(1, "a".to_owned(), 4), (6, "b".to_owned(), 3)]
    );
}

#[test]
fn no_test_times_itself() {
    // Elapsed time is a benchmark's figure, never a test's verdict: the only clocks in tests are
    // support's hang guard (`HANG_GUARD`, `wait_for`) and `measure`, which only benches call.
    let mut files = Vec::new();
    rust_files(&support::root().join("tests"), &mut files);
    for path in files {
        if path.components().any(|c| c.as_os_str() == "support") || path.ends_with("layout.rs") {
            continue;
        }
        let text = code(&std::fs::read_to_string(&path).unwrap());
        for clock in [
            "Instant",
            ".elapsed()",
            "Duration::from",
            "support::measure",
        ] {
            assert!(
                !text.contains(clock),
                "{} uses {clock}: assert behaviour, time it in a bench",
                path.display()
            );
        }
    }
}
