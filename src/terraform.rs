//! Terraform configurations on disk, read without Terraform: the `resource` blocks of the
//! `*.tf` files under a directory (type, name, file, line, the literal names and tags they
//! give) and, when a state file is there, which block each live resource came from (read by
//! the one state reader, [`crate::tfstate`], that `drift` uses too). Used to point a finding
//! at the line that declares its resource.
//!
//! The `.tf` reader is a small scanner, not an HCL parser: it finds top-level
//! `resource "TYPE" "NAME" {` lines, follows braces (skipping strings, comments and heredocs)
//! to the block's end, and records `key = "literal"` assignments inside it. Expressions are
//! not evaluated; a block whose name comes from a variable simply does not match by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A `resource` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `aws_lb`.
    pub resource_type: String,
    /// `app`.
    pub name: String,
    /// The file, as found under the directory given (`infra/alb.tf`).
    pub file: PathBuf,
    /// 1-based line of the `resource` keyword.
    pub line: usize,
    /// Literal string assignments in the block, nested blocks included (`name`, `bucket`,
    /// `Name` inside `tags`, `cidr_block`…), as (key, value).
    pub literals: Vec<(String, String)>,
}

impl Block {
    /// Where the block is, as a finding's location (the file relative to the working
    /// directory when it is under it).
    pub fn location(&self) -> crate::finding::SourceLocation {
        crate::finding::SourceLocation {
            file: crate::text::relative_path(&self.file),
            line: self.line,
            kind: crate::finding::LocationKind::Terraform,
        }
    }
}

/// The blocks of a directory and the identities its state records.
#[derive(Debug, Clone, Default)]
pub struct Terraform {
    blocks: Vec<Block>,
    /// `type.name` → ids and ARNs of its instances, from `*.tfstate`.
    state: BTreeMap<String, Vec<String>>,
}

/// A directory that cannot be read, or a state file that is not one.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TerraformError {
    /// The file or directory.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl Terraform {
    /// Reads every `*.tf` and `*.tfstate` under `dir` (not under `.terraform/`).
    pub fn load(dir: &Path) -> Result<Terraform, TerraformError> {
        let mut tf = Terraform::default();
        let mut files = Vec::new();
        walk(dir, &mut files)?;
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).map_err(|e| TerraformError {
                path: file.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            if file.extension().is_some_and(|e| e == "tf") {
                let text = crate::text::utf8(bytes).map_err(|e| TerraformError {
                    path: file.display().to_string(),
                    message: format!("line {}, column {}: {}", e.line, e.column, e.message),
                })?;
                tf.blocks.extend(blocks(&text, &file));
            } else {
                tf.read_state(bytes, &file)?;
            }
        }
        if tf.blocks.is_empty() {
            return Err(TerraformError {
                path: dir.display().to_string(),
                message: "no `resource` block in any *.tf file".to_owned(),
            });
        }
        Ok(tf)
    }

    /// The blocks found.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Records the ids and ARNs of the managed instances of a state, read by the one state
    /// reader ([`crate::tfstate::parse`]: version checked, sensitive attributes never read).
    fn read_state(&mut self, bytes: Vec<u8>, file: &Path) -> Result<(), TerraformError> {
        let name = file.display().to_string();
        let state = crate::tfstate::parse(&name, bytes).map_err(|e| TerraformError {
            path: name,
            message: e.message,
        })?;
        for r in state.resources.iter().filter(|r| r.mode == "managed") {
            let ids = self
                .state
                .entry(format!("{}.{}", r.resource_type, r.name))
                .or_default();
            for i in &r.instances {
                ids.extend(
                    ["arn", "id"]
                        .iter()
                        .filter_map(|k| i.str(k))
                        .map(str::to_owned),
                );
            }
        }
        Ok(())
    }

    /// The block of a Terraform address (`module.m.aws_vpc.main["a"]` → `aws_vpc` `main`;
    /// the module path is not followed: the first block of that type and name).
    pub fn block_of(&self, address: &str) -> Option<&Block> {
        let base = address.split('[').next().unwrap_or(address);
        let mut parts = base.rsplitn(3, '.');
        let (name, resource_type) = (parts.next()?, parts.next()?);
        self.blocks
            .iter()
            .find(|b| b.resource_type == resource_type && b.name == name)
    }

    /// The block that declares the resource with this ARN, id and `Name` tag: first the block
    /// whose state instance has the ARN or id, then a block whose `Name` tag is `name`, then
    /// one whose `name`/`bucket`/`name_prefix`-free literal name is the id. Ambiguous name
    /// matches (two blocks) match nothing.
    pub fn find(&self, arn: &str, id: &str, name: Option<&str>) -> Option<&Block> {
        let by_state = self.blocks.iter().find(|b| {
            self.state
                .get(&format!("{}.{}", b.resource_type, b.name))
                .is_some_and(|ids| ids.iter().any(|v| v == arn || v == id))
        });
        if by_state.is_some() {
            return by_state;
        }
        let unique = |keys: &[&str], value: &str| {
            let mut hits = self.blocks.iter().filter(|b| {
                b.literals
                    .iter()
                    .any(|(k, v)| keys.contains(&k.as_str()) && v == value)
            });
            let first = hits.next();
            first.filter(|_| hits.next().is_none())
        };
        name.and_then(|n| unique(&["Name"], n))
            .or_else(|| unique(&["name", "bucket", "function_name"], id))
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TerraformError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TerraformError {
        path: dir.display().to_string(),
        message: format!("cannot read the Terraform directory: {e}"),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != ".terraform" && !name.to_string_lossy().starts_with('.') {
                walk(&path, out)?;
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "tf" || e == "tfstate")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The top-level `resource` blocks of one file.
fn blocks(text: &str, file: &Path) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((resource_type, name)) = resource_header(lines[i]) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut depth = 0i64;
        let mut literals = Vec::new();
        let mut heredoc: Option<String> = None;
        loop {
            let line = lines[i];
            if let Some(end) = &heredoc {
                if line.trim() == end {
                    heredoc = None;
                }
            } else {
                depth += brace_delta(line);
                literals.extend(self::literals(line));
                heredoc = heredoc_marker(line);
            }
            i += 1;
            if (depth <= 0 && i > start && heredoc.is_none()) || i >= lines.len() {
                break;
            }
        }
        out.push(Block {
            resource_type,
            name,
            file: file.to_path_buf(),
            line: start + 1,
            literals,
        });
    }
    out
}

/// `resource "aws_lb" "app" {` → (`aws_lb`, `app`).
fn resource_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("resource")?.trim_start();
    let mut parts = rest.split('"');
    let (_, t, _, n) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (!t.is_empty() && !n.is_empty()).then(|| (t.to_owned(), n.to_owned()))
}

/// The change in brace depth over a line, ignoring braces in strings and comments.
fn brace_delta(line: &str) -> i64 {
    let mut delta = 0;
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '#' if !in_string => break,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '{' if !in_string => delta += 1,
            '}' if !in_string => delta -= 1,
            _ => {}
        }
    }
    delta
}

/// Every `key = "literal"` on a line (`name = "x"`, and inside an inline object
/// `tags = { Name = "y" }`); values with interpolation (`${`) are left out.
fn literals(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(eq) = rest.find('=') {
        let (before, after) = (&rest[..eq], &rest[eq + 1..]);
        rest = after;
        if after.starts_with('=') || before.ends_with(['!', '<', '>', '=']) {
            continue; // a comparison, not an assignment
        }
        let key = before
            .trim_end()
            .rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',')
            .next()
            .unwrap_or_default()
            .trim_matches('"');
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = value.find('"') else {
            continue;
        };
        let v = &value[..end];
        if !v.contains("${") {
            out.push((key.to_owned(), v.to_owned()));
        }
        rest = &value[end + 1..];
    }
    out
}

/// `<<EOF` / `<<-EOF` at the end of a line: the terminator to wait for.
fn heredoc_marker(line: &str) -> Option<String> {
    let at = line.find("<<")?;
    let marker = line[at + 2..].trim_start_matches('-').trim();
    (!marker.is_empty()
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then(|| marker.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"# the load balancer
resource "aws_lb" "app" {
  name               = "archaudit-alb"
  load_balancer_type = "application"
  subnets            = [for s in aws_subnet.public : s.id] # { not a brace }
  tags = {
    Name = "archaudit-alb"
  }
}

resource "aws_iam_role" "task" {
  name               = "archaudit-task"
  assume_role_policy = <<EOF
{ "Version": "2012-10-17" }
}
EOF
}

resource "aws_subnet" "private_a" {
  cidr_block = "10.0.101.0/24"
  tags       = { Name = "archaudit-private-a" }
}
"#;

    #[test]
    fn reads_blocks_with_lines_and_literals() {
        let b = blocks(TF, Path::new("main.tf"));
        let summary: Vec<_> = b
            .iter()
            .map(|b| (b.resource_type.as_str(), b.name.as_str(), b.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("aws_lb", "app", 2),
                ("aws_iam_role", "task", 11),
                ("aws_subnet", "private_a", 19)
            ]
        );
        assert!(b[0]
            .literals
            .contains(&("Name".into(), "archaudit-alb".into())));
        assert!(b[2]
            .literals
            .contains(&("Name".into(), "archaudit-private-a".into())));
    }

    #[test]
    fn finds_by_state_then_name_tag_then_name() {
        let mut tf = Terraform {
            blocks: blocks(TF, Path::new("main.tf")),
            ..Terraform::default()
        };
        tf.read_state(
            br#"{"version":4,"resources":[{"mode":"managed","type":"aws_subnet","name":"private_a","instances":[{"attributes":{"id":"subnet-1","arn":"arn:aws:ec2:r:1:subnet/subnet-1"}}]}]}"#.to_vec(),
            Path::new("terraform.tfstate"),
        )
        .unwrap();
        let line = |arn: &str, id: &str, name: Option<&str>| tf.find(arn, id, name).map(|b| b.line);
        assert_eq!(line("arn:aws:ec2:r:1:subnet/subnet-1", "x", None), Some(19));
        assert_eq!(
            line("arn:x", "subnet-9", Some("archaudit-private-a")),
            Some(19)
        );
        assert_eq!(line("arn:x", "archaudit-task", None), Some(11));
        assert_eq!(line("arn:x", "nothing", Some("nobody")), None);
        let err = tf
            .read_state(b"{".to_vec(), Path::new("bad.tfstate"))
            .unwrap_err();
        assert!(err.to_string().starts_with("bad.tfstate: "), "{err}");
        let old = br#"{"version":3,"modules":[]}"#.to_vec();
        let err = tf.read_state(old, Path::new("old.tfstate")).unwrap_err();
        assert!(err.to_string().contains("version 3"), "{err}");
    }
}
