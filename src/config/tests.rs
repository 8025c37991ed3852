//! Parsing, validation and locations of archaudit.toml.
use super::*;

#[test]
fn default_config_is_valid_and_is_the_reference() {
    let c = Config::parse(DEFAULT_TOML, "default").unwrap();
    let main = &c.architecture.networks["main"];
    assert_eq!(main.cidr.get_ref(), "10.0.0.0/16");
    let cidrs: Vec<&str> = main
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
    assert_eq!(c.architecture.services["app"].ports, [3000]);
    assert_eq!(c.architecture.regions(), ["us-east-1"]);
}

/// The singular shape of earlier versions is lifted into the named components the default
/// states: the policies see the same architecture.
#[test]
fn the_singular_shape_is_lifted_into_the_reference_components() {
    let singular = include_str!("../../examples/specs/reference-singular.toml");
    let lifted = Config::parse(singular, "singular.toml").unwrap();
    let named = Config::parse(DEFAULT_TOML, "default").unwrap();
    assert_eq!(lifted.architecture_json(), named.architecture_json());
    // Locations stay in the file as written.
    let line =
        |text: &str, needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let hints = Default::default();
    assert_eq!(
        lifted.expectation_line("services.*.ports", Some("services.app"), &hints),
        Some(line(singular, "app_port"))
    );
    assert_eq!(
        named.expectation_line("services.*.ports", Some("services.app"), &hints),
        Some(line(DEFAULT_TOML, "ports"))
    );
    let mixed =
        format!("{singular}\n[architecture.services.x]\nnetwork = \"main\"\ntier = \"private\"\n");
    let err = Config::parse(&mixed, "m.toml").unwrap_err();
    assert!(err.message.contains("mixes the singular shape"), "{err}");
}

/// Nothing is required that the document does not state: a spec of one worker in one
/// network, with no load balancer, state bucket, OIDC or guardrails, is valid.
#[test]
fn absent_sections_are_not_required() {
    let text = r#"
[architecture.networks.core]
region = "eu-west-1"
cidr = "10.1.0.0/16"
availability_zones = ["eu-west-1a"]
nat = "none"
subnets = [{ cidr = "10.1.1.0/24", az = "eu-west-1a", tier = "private" }]

[architecture.services.worker]
name = "jobs"
network = "core"
tier = "private"
"#;
    let c = Config::parse(text, "w.toml").unwrap();
    let json = c.architecture_json();
    assert!(json.get("state_bucket").is_none() && json.get("github_oidc").is_none());
    assert!(json["services"]["worker"]
        .get("min_desired_count")
        .is_none());
}

/// References between components are checked when the file loads, at the reference.
#[test]
fn unknown_references_and_ambiguous_components_are_located() {
    let bad = DEFAULT_TOML.replacen("load_balancer = \"public\"", "load_balancer = \"edge\"", 1);
    let err = Config::parse(&bad, "r.toml").unwrap_err();
    let line = bad.lines().position(|l| l.contains("\"edge\"")).unwrap() + 1;
    assert_eq!((err.line, err.column), (line, 17), "{err}");
    assert!(
        err.message.contains("load balancer `edge`") && err.message.contains("known: public"),
        "{err}"
    );

    let bad = DEFAULT_TOML.replacen("network = \"main\"", "network = \"core\"", 1);
    let err = Config::parse(&bad, "r.toml").unwrap_err();
    assert!(err.message.contains("network `core`"), "{err}");

    let worker = format!(
        "{DEFAULT_TOML}\n[architecture.services.worker]\nnetwork = \"main\"\ntier = \"private\"\n"
    );
    let err = Config::parse(&worker, "w.toml").unwrap_err();
    assert!(err.message.contains("pin it with `name`"), "{err}");

    let twin = format!("{DEFAULT_TOML}\n[architecture.services.api]\nnetwork = \"main\"\ntier = \"private\"\nload_balancer = \"public\"\n");
    let err = Config::parse(&twin, "t.toml").unwrap_err();
    assert!(
        err.message.contains("both behind load balancer public"),
        "{err}"
    );

    let route = DEFAULT_TOML.replacen(
        "[architecture.load_balancers.public.https]",
        "[[architecture.load_balancers.public.routes]]\npath = \"/x*\"\nservice = \"nope\"\n\n[architecture.load_balancers.public.https]",
        1,
    );
    let err = Config::parse(&route, "p.toml").unwrap_err();
    assert!(err.message.contains("service `nope`"), "{err}");
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
        &DEFAULT_TOML.replace("ports = [3000]", "ports = [3000]\nbogus = 1"),
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
