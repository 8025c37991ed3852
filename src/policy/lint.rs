//! `archaudit policy lint`: the style the policy library keeps, over policies, libraries and
//! tests. Regal and `opa fmt` are Go programs that none of the package registries this
//! project installs from carries, so these are the rules of theirs that apply to archaudit's
//! library, checked here under Regal's names (and two of archaudit's own). The test suite
//! runs them on the shipped library, so CI refuses a violation; users can run them on theirs.
//!
//! | rule | from | what |
//! | --- | --- | --- |
//! | `line-length` | Regal style | no line over 120 columns (a tab counts 4) |
//! | `opa-fmt` | `opa fmt` | tabs indent; no trailing white space; no two blank lines in a row; one final newline |
//! | `no-whitespace-comment` | Regal style | `# text`, not `#text` |
//! | `use-assignment-operator` | Regal style | `x := …`, not `x = …` |
//! | `prefer-snake-case` | Regal style | rule and function names in snake_case |
//! | `directory-package-mismatch` | Regal idiomatic | `<dir>/<name>.rego` declares `package ….<dir>.<name>` |
//! | `test-outside-test-package` | Regal testing | `test_` rules only in `*_test` packages |
//! | `file-missing-test-suffix` | Regal testing | a `*_test` package lives in a `*_test.rego` file |
//! | `missing-test` | archaudit | every policy has its `<name>_test.rego` beside it |

use std::path::Path;

use super::{PolicySet, Source};

/// The longest line, in columns.
pub const MAX_COLUMNS: usize = 120;

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lint {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// The rule (Regal's name where Regal has one).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path, self.line, self.rule, self.message
        )
    }
}

/// Every violation in the loaded policies, libraries and tests, sorted.
pub fn lint(set: &PolicySet) -> Vec<Lint> {
    let mut out = Vec::new();
    for src in set.sources().iter().chain(set.tests()) {
        lint_source(src, &mut out);
    }
    for p in set.policies() {
        let test = p
            .path
            .strip_suffix(".rego")
            .map(|s| format!("{s}_test.rego"));
        if !set.tests().iter().any(|t| Some(&t.path) == test.as_ref()) {
            out.push(Lint {
                path: p.path.clone(),
                line: p.deny_line,
                rule: "missing-test",
                message: format!(
                    "no {} beside the policy (the violation, the compliant case and the unknown-attribute case)",
                    test.unwrap_or_default()
                ),
            });
        }
    }
    out.sort();
    out
}

/// The rule or function a line at column 0 defines, if any (`name` of `name(x) := …`,
/// `name contains …`, `name[k] := …`, `default name := …`).
fn defined(line: &str) -> Option<&str> {
    let line = line.strip_prefix("default ").unwrap_or(line);
    let end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(end);
    let rest = rest.trim_start();
    let head = ["(", ":=", "=", "[", "contains ", "if ", "if{", "{"]
        .iter()
        .any(|h| rest.starts_with(h));
    let keyword = matches!(
        name,
        "package" | "import" | "not" | "some" | "every" | "else"
    );
    (!name.is_empty() && head && !keyword && !rest.starts_with("==")).then_some(name)
}

fn lint_source(src: &Source, out: &mut Vec<Lint>) {
    let mut push = |line: usize, rule: &'static str, message: String| {
        out.push(Lint {
            path: src.path.clone(),
            line,
            rule,
            message,
        })
    };
    let lines: Vec<&str> = src.text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        let columns = l
            .chars()
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>();
        if columns > MAX_COLUMNS {
            push(
                n,
                "line-length",
                format!("{columns} columns, over {MAX_COLUMNS}"),
            );
        }
        if l.ends_with([' ', '\t']) {
            push(n, "opa-fmt", "trailing white space".to_owned());
        }
        if l.trim_start_matches('\t').starts_with(' ') && !l.trim().is_empty() {
            push(n, "opa-fmt", "indent with tabs".to_owned());
        }
        if i > 0 && l.is_empty() && lines[i - 1].is_empty() {
            push(n, "opa-fmt", "two blank lines in a row".to_owned());
        }
        let t = l.trim_start();
        if t.starts_with('#') && t.len() > 1 && !t[1..].starts_with([' ', '\t', '#']) {
            push(
                n,
                "no-whitespace-comment",
                "a comment starts with `# `".to_owned(),
            );
        }
        if let Some(name) = defined(l) {
            let rest = l[l.find(name).unwrap_or(0) + name.len()..].trim_start();
            if rest.starts_with('=') && !rest.starts_with("==") {
                push(
                    n,
                    "use-assignment-operator",
                    format!("`{name} = …`: use `:=`"),
                );
            }
            if name.chars().any(|c| c.is_ascii_uppercase()) {
                push(
                    n,
                    "prefer-snake-case",
                    format!("`{name}` is not snake_case"),
                );
            }
        }
    }
    if !src.text.is_empty() && (!src.text.ends_with('\n') || src.text.ends_with("\n\n")) {
        push(
            lines.len(),
            "opa-fmt",
            "the file ends with one newline".to_owned(),
        );
    }
    packages(src, &lines, &mut push);
}

/// The package rules: directory and file name, tests in test packages.
fn packages(src: &Source, lines: &[&str], push: &mut impl FnMut(usize, &'static str, String)) {
    let Some((i, package)) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| l.strip_prefix("package ").map(|p| (i, p.trim())))
    else {
        return;
    };
    let path = Path::new(&src.path);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let dir = path
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|d| d.to_str())
        .unwrap_or_default();
    let want = format!("{dir}.{stem}");
    if !package.ends_with(&want)
        || package.len() > want.len() && !package.ends_with(&format!(".{want}"))
    {
        push(
            i + 1,
            "directory-package-mismatch",
            format!(
                "`package {package}` in {}: the package ends with `{want}`",
                src.path
            ),
        );
    }
    let test_file = stem.ends_with("_test");
    if package.ends_with("_test") && !test_file {
        push(
            i + 1,
            "file-missing-test-suffix",
            "a test package in a file not named *_test.rego".to_owned(),
        );
    }
    if !package.ends_with("_test") {
        for (j, l) in lines.iter().enumerate() {
            if defined(l).is_some_and(|n| n.starts_with("test_")) {
                push(
                    j + 1,
                    "test-outside-test-package",
                    format!("a test rule outside a `_test` package ({package})"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lints(path: &str, text: &str) -> Vec<(usize, &'static str)> {
        let mut out = Vec::new();
        lint_source(
            &Source {
                path: path.to_owned(),
                text: text.to_owned(),
            },
            &mut out,
        );
        out.sort();
        out.into_iter().map(|l| (l.line, l.rule)).collect()
    }

    #[test]
    fn the_shipped_library_is_clean() {
        let set = PolicySet::load(true, &[]).unwrap();
        let found: Vec<String> = lint(&set).iter().map(Lint::to_string).collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn a_clean_file_has_no_lints() {
        let ok =
            "package archaudit.network.vpc\n\n# A comment.\nx := 1\n\nf(a) := a if {\n\ta > 1\n}\n";
        assert_eq!(lints("policies/network/vpc.rego", ok), vec![]);
    }

    #[test]
    fn each_rule_finds_its_violation() {
        let long = format!(
            "package archaudit.network.vpc\n\nx := \"{}\"\n",
            "a".repeat(120)
        );
        assert_eq!(
            lints("policies/network/vpc.rego", &long),
            vec![(3, "line-length")]
        );
        let text = "package archaudit.other.vpc\n\n#no space\nx = 1\nfooBar := 2 \n  y := 3\n\n\ntest_a if true\n";
        assert_eq!(
            lints("policies/network/vpc.rego", text),
            vec![
                (1, "directory-package-mismatch"),
                (3, "no-whitespace-comment"),
                (4, "use-assignment-operator"),
                (5, "opa-fmt"),
                (5, "prefer-snake-case"),
                (6, "opa-fmt"),
                (8, "opa-fmt"),
                (9, "test-outside-test-package"),
            ]
        );
        assert_eq!(
            lints(
                "policies/network/vpc.rego",
                "package archaudit.network.vpc_test\n"
            ),
            vec![
                (1, "directory-package-mismatch"),
                (1, "file-missing-test-suffix")
            ]
        );
        assert_eq!(
            lints("p/network/vpc.rego", "package archaudit.network.vpc"),
            vec![(1, "opa-fmt")]
        );
        // `x == 1` in a body and `#` alone are not violations; a tab counts four columns.
        let fine = format!(
            "package a.network.vpc\n\n#\nf if {{\n\tx == 1\n}}\n\n{}\n",
            "\t".repeat(30)
        );
        assert_eq!(lints("p/network/vpc.rego", &fine), vec![(8, "opa-fmt")]);
    }
}
