//! The dependency analysis on small policy sets compiled by regorus.
use super::*;

fn analyze(files: &[(&str, &str)]) -> Result<Dependencies, DepError> {
    let mut engine = regorus::Engine::new();
    for (path, text) in files {
        engine
            .add_policy((*path).to_owned(), (*text).to_owned())
            .unwrap();
    }
    Dependencies::analyze(&engine.get_ast_as_json().unwrap())
}

const LIB: &str = "package archaudit.lib.x\n\nvpcs contains v if {\n\tsome v in input.aws.ec2.vpcs\n}\n\nsubnets := {s | some s in input.aws.ec2.subnets; s.vpc_id in vpc_ids}\n\nvpc_ids := {v.id | some v in vpcs}\n\nf(x) := input.aws.s3.buckets[x]\n\nunused := input.aws.iam.roles\n";

#[test]
fn follows_library_rules_and_functions_transitively() {
    let d = analyze(&[
        ("lib.rego", LIB),
        ("p.rego", "package archaudit.p\nimport data.archaudit.lib.x\n\ndeny contains m if {\n\tsome s in x.subnets\n\tm := s.id\n}\n"),
        ("q.rego", "package archaudit.q\n\ndeny contains m if {\n\tm := data.archaudit.lib.x.f(1)\n}\n"),
        ("r.rego", "package archaudit.r\nimport data.archaudit.lib.x as lib\n\ndeny contains m if {\n\tsome k\n\tm := input.aws.ecs[k]\n}\n"),
    ])
    .unwrap();
    assert_eq!(
        d.kinds("data.archaudit.p"),
        BTreeSet::from(["ec2.subnets", "ec2.vpcs"])
    );
    assert_eq!(d.kinds("data.archaudit.q"), BTreeSet::from(["s3.buckets"]));
    assert_eq!(
        d.kinds("data.archaudit.r"),
        BTreeSet::from(["ecs.clusters", "ecs.services", "ecs.task_definitions"])
    );
}

#[test]
fn anchor_names_come_from_the_rule_heads() {
    let d = analyze(&[(
        "a.rego",
        "package archaudit.lib.anchors\n\nmissing[\"vpc\"] := \"v\" if {\n\tcount(input.aws.ec2.vpcs) == 0\n}\n\nmissing[ \"mine\" ] := \"m\" if true\n",
    )])
    .unwrap();
    let names: Vec<&str> = d.anchors().iter().map(String::as_str).collect();
    assert_eq!(names, ["mine", "vpc"]);
}

#[test]
fn whole_input_means_every_kind() {
    let d = analyze(&[(
        "w.rego",
        "package archaudit.w\n\ndeny contains p if {\n\twalk(input, [p, _])\n}\n",
    )])
    .unwrap();
    assert_eq!(
        d.kinds("data.archaudit.w").len(),
        inventory::kinds().count()
    );
}

#[test]
fn unknown_kinds_are_errors_with_lines() {
    let err = analyze(&[(
        "t.rego",
        "package archaudit.t\n\ndeny contains v if {\n\tsome v in input.aws.ec2.vpcz\n}\n",
    )])
    .unwrap_err();
    assert_eq!((err.0.as_str(), err.1), ("t.rego", 4), "{}", err.2);
    assert!(err.2.contains("input.aws.ec2.vpcz"), "{}", err.2);
}

#[test]
fn recursion_is_a_load_error_naming_the_rule_and_its_line() {
    let err = analyze(&[(
        "p.rego",
        "package user.p\n\nf(n) := f(n + 1)\n\ndeny contains m if {\n\tm := f(1)\n}\n",
    )])
    .unwrap_err();
    assert_eq!((err.0.as_str(), err.1), ("p.rego", 3), "{err:?}");
    assert!(err.2.contains("data.user.p.f -> data.user.p.f"), "{err:?}");
    let err = analyze(&[
        ("a.rego", "package user.a\nimport data.user.b\n\nx := b.y\n"),
        (
            "b.rego",
            "package user.b\nimport data.user.a\n\ny := a.x + 1\n",
        ),
    ])
    .unwrap_err();
    assert!(err.2.contains("recursive"), "{err:?}");
    // A function calling another, and a rule named like a function argument elsewhere: fine.
    analyze(&[(
        "ok.rego",
        "package user.ok\n\ng(n) := n + 1\n\nf(n) := g(n)\n\nn := f(1)\n",
    )])
    .unwrap();
}
