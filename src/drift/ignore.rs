//! `.driftignore`: resources `archaudit drift` leaves out.
//!
//! One pattern per line, `KIND:ID`, both globs (`*`, `?`, `[…]`): `KIND` is an inventory
//! kind (`iam.roles`, `autoscaling.*`), `ID` matches a resource's id, its ARN, or a declared
//! object's Terraform address. A line starting with `!` takes resources back in (the last
//! matching line wins). `#` starts a comment; blank lines are skipped.

use std::path::Path;

use glob::Pattern;

/// The parsed patterns, in file order.
#[derive(Debug, Clone, Default)]
pub struct DriftIgnore {
    rules: Vec<(bool, Pattern, Pattern)>,
}

/// A `.driftignore` that cannot be used, with its file and line.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct IgnoreError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl DriftIgnore {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<DriftIgnore, IgnoreError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| IgnoreError {
            file: file.clone(),
            line: 0,
            message: format!("cannot read: {e}"),
        })?;
        let text = crate::text::utf8(bytes).map_err(|e| IgnoreError {
            file: file.clone(),
            line: e.line,
            message: e.message,
        })?;
        DriftIgnore::parse(&text).map_err(|(line, message)| IgnoreError {
            file,
            line,
            message,
        })
    }

    /// Parses the text of a `.driftignore`; an error is (line, message).
    pub fn parse(text: &str) -> Result<DriftIgnore, (usize, String)> {
        let mut rules = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (keep, line) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let Some((kind, id)) = line.split_once(':') else {
                return Err((
                    n + 1,
                    format!("`{line}` is not KIND:ID (e.g. `iam.roles:ci-*`, `autoscaling.*:*`)"),
                ));
            };
            let pattern = |p: &str, what: &str| {
                Pattern::new(p.trim()).map_err(|e| (n + 1, format!("bad {what} glob `{p}`: {e}")))
            };
            let kind_pattern = pattern(kind, "kind")?;
            if !crate::inventory::kinds().any(|k| kind_pattern.matches(k)) {
                return Err((
                    n + 1,
                    format!(
                        "`{kind}` matches no inventory kind (kinds are `service.kind`, e.g. `ec2.security_groups`)"
                    ),
                ));
            }
            rules.push((keep, kind_pattern, pattern(id, "id")?));
        }
        Ok(DriftIgnore { rules })
    }

    /// Whether the resource `id` (or ARN, or address) of `kind` is left out.
    pub fn matches(&self, kind: &str, id: &str) -> bool {
        let mut ignored = false;
        for (keep, k, i) in &self.rules {
            if k.matches(kind) && i.matches(id) {
                ignored = !keep;
            }
        }
        ignored
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::DriftIgnore;

    #[test]
    fn patterns_comments_and_negation() {
        let ignore = DriftIgnore::parse(
            "# autoscaling is created outside Terraform\nautoscaling.*:*\n\niam.roles:ci-*  # CI\n!iam.roles:ci-keep\n",
        )
        .unwrap();
        assert!(ignore.matches("autoscaling.targets", "service/a/b"));
        assert!(ignore.matches("iam.roles", "ci-runner"));
        assert!(!ignore.matches("iam.roles", "ci-keep"));
        assert!(!ignore.matches("iam.roles", "app"));
        assert!(!ignore.matches("ec2.vpcs", "vpc-1"));
    }

    #[test]
    fn bad_lines_are_located() {
        assert_eq!(DriftIgnore::parse("ok.x\n").unwrap_err().0, 1);
        let (line, message) = DriftIgnore::parse("# c\niam.roles:a\nec2.nothing:*\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(message.contains("no inventory kind"), "{message}");
        assert!(DriftIgnore::parse("iam.roles:[\n")
            .unwrap_err()
            .1
            .contains("bad id glob"));
    }
}
