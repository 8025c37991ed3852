use super::*;

fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn toml_and_yaml_read_the_same_accounts() {
    let (_d, t) = write(
        "a.toml",
        "[[account]]\nid = \"222222222222\"\nregions = [\"eu-west-1\"]\n\n[[account]]\nid = \"111111111111\"\nname = \"prod\"\ntags = { env = \"prod\" }\n",
    );
    let (_e, y) = write(
        "a.yaml",
        "accounts:\n  - id: \"222222222222\"\n    regions: [eu-west-1]\n  - id: \"111111111111\"\n    name: prod\n    tags: {env: prod}\n",
    );
    let a = load(&t).unwrap();
    assert_eq!(a, load(&y).unwrap());
    assert_eq!(a[0].id, "111111111111");
    assert_eq!(a[0].name, "prod");
    assert_eq!(a[1].name, "222222222222");
    assert_eq!(a[1].regions, vec!["eu-west-1".to_owned()]);
}

#[test]
fn every_error_names_its_line() {
    let cases = [
        ("a.toml", "[[account]]\nid = \"1\"\n", 2, "not twelve digits"),
        ("a.toml", "[[account]]\nid = 111111111111\n", 2, "invalid type"),
        ("a.toml", "[[account]]\nid = \"111111111111\"\ncolour = \"red\"\n", 3, "unknown field"),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\n\n[[account]]\nid = \"111111111111\"\n",
            5,
            "listed twice (first at line 2)",
        ),
        (
            "a.yaml",
            "accounts:\n  - id: \"111111111111\"\n  - id: '222222222222'\n  - id: 111111111111\n",
            4,
            "listed twice (first at line 2)",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:mars:iam::111111111111:role/x\"\n",
            3,
            "partition `mars`",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:sts::111111111111:role/x\"\n",
            3,
            "service `sts`",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/\"\n",
            3,
            "no valid role name",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/x\\ny\"\n",
            3,
            "control character",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nname = \"prod\\n| injected |\"\n",
            2,
            "control character",
        ),
        (
            "a.toml",
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::222222222222:role/x\"\n",
            3,
            "not a role of account",
        ),
        ("a.toml", "[[account]]\nid = \"111111111111\"\nregions = [\"mars-1\"]\n", 3, "not a region"),
        ("a.yaml", "accounts:\n  - id: \"111111111111\"\n    name: [x\n", 3, "invalid type"),
        ("a.toml", "", 1, "no account listed"),
        ("a.toml", "[[account]]\nid = \"111111111111\"\nconfig = \"nope.toml\"\n", 2, "does not exist"),
        ("a.yaml", &format!("accounts:\n  - {}\n", "[".repeat(40)), 2, "nested more than 32"),
        ("a.toml", "x = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n[[account]]\nid = \"1\"\n", 1, "unknown field `x`"),
    ];
    for (name, text, line, what) in cases {
        let (_d, p) = write(name, text);
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, line, "{text:?}: {e}");
        assert!(e.to_string().contains(what), "{e}");
        assert!(
            e.to_string().contains(&format!("{}:{line}:", p.display())),
            "{e}"
        );
    }
    let e = load(Path::new("/nonexistent/accounts.toml")).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn names_are_checked() {
    assert!(is_account_id("123456789012") && !is_account_id("12345678901a"));
    for ok in ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-2"] {
        assert!(is_region(ok), "{ok}");
    }
    for bad in ["mars-1", "us-east", "US-EAST-1", "us--1", ""] {
        assert!(!is_region(bad), "{bad}");
    }
}
