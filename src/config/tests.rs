//! Parsing, validation and locations of archaudit.toml.
use super::*;

#[test]
fn default_config_is_valid_and_is_the_reference() {
    let c = Config::parse(DEFAULT_TOML, "default").unwrap();
    assert_eq!(c.architecture.vpc.cidr.get_ref(), "10.0.0.0/16");
    let cidrs: Vec<&str> = c
        .architecture
        .subnets
        .iter()
        .map(|s| s.cidr.get_ref().as_str())
        .collect();
    assert_eq!(
        cidrs,
        [
            "10.0.1.0/24",
            "10.0.2.0/24",
            "10.0.101.0/24",
            "10.0.102.0/24"
        ]
    );
    assert_eq!(c.architecture.app_port, 3000);
}

#[test]
fn errors_name_line_and_column() {
    let bad = DEFAULT_TOML.replacen("cidr = \"10.0.101.0/24\"", "cidr = \"10.1.101.0/24\"", 1);
    let err = Config::parse(&bad, "a.toml").unwrap_err();
    let line = DEFAULT_TOML
        .lines()
        .position(|l| l.contains("10.0.101.0/24"))
        .unwrap()
        + 1;
    assert_eq!((err.line, err.column), (line, 8), "{err}");
    assert!(err.message.contains("not inside the VPC"), "{err}");

    let err = Config::parse("[architecture]\nregion = 1\n", "b.toml").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    let err = Config::parse(
        &DEFAULT_TOML.replace("app_port = 3000", "app_port = 3000\nbogus = 1"),
        "c.toml",
    )
    .unwrap_err();
    assert!(err.message.contains("unknown field `bogus`"), "{err}");
}

#[test]
fn a_waiver_expiry_may_be_a_toml_date_and_anything_else_is_named() {
    let waiver = |expires: &str| {
        format!("{DEFAULT_TOML}\n[[waivers]]\npolicy = \"AA-SG-003\"\nresource = \"*\"\nreason = \"r\"\nowner = \"o\"\nexpires = {expires}\n")
    };
    let c = Config::parse(&waiver("2026-01-01"), "w.toml").unwrap();
    assert_eq!(c.waivers[0].expires.get_ref(), "2026-01-01");
    let c = Config::parse(&waiver("\"2026-01-02\""), "w.toml").unwrap();
    assert_eq!(c.waivers[0].expires.get_ref(), "2026-01-02");
    let err = Config::parse(&waiver("2026-01-01T10:00:00Z"), "w.toml").unwrap_err();
    assert!(err.message.contains("is not a date"), "{err}");
    let err = Config::parse(&waiver("12"), "w.toml").unwrap_err();
    assert!(err.message.contains("got an integer"), "{err}");
    assert!(err.line > 100, "{err}");
}

#[test]
fn params_are_free_form_and_located() {
    let text = format!(
        "{DEFAULT_TOML}\n[params]\nmax_age = 30\nowners = [\"a\", \"b\"]\nsince = 2026-01-01\n"
    );
    let c = Config::parse(&text, "p.toml").unwrap();
    assert_eq!(
        c.params_json(),
        serde_json::json!({"max_age": 30, "owners": ["a", "b"], "since": "2026-01-01"})
    );
    let err = Config::parse(&format!("{DEFAULT_TOML}\n[params]\nx = nan\n"), "p.toml").unwrap_err();
    assert_eq!(err.line, DEFAULT_TOML.lines().count() + 3, "{err}");
}

#[test]
fn thresholds_must_be_finite() {
    for bad in ["nan", "inf"] {
        let text =
            DEFAULT_TOML.replacen("threshold_max = 95.0", &format!("threshold_max = {bad}"), 1);
        assert_ne!(text, DEFAULT_TOML);
        let err = Config::parse(&text, "t.toml").unwrap_err();
        assert!(err.message.contains("finite"), "{err}");
    }
}
