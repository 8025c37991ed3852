//! Embeds every file under `policies/` (and the reference fixture the Rego tests use) in the
//! binary, so `archaudit` works from any directory.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    walk(&root.join("policies"), &mut files);
    files.sort();
    let mut code = String::from("/// Built-in policy files: (path relative to the project, contents).\npub static BUILTIN: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.to_string_lossy()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("builtin_policies.rs");
    std::fs::write(out, code).unwrap_or_else(|e| panic!("cannot write builtin_policies.rs: {e}"));
    println!("cargo:rerun-if-changed=policies");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
}
