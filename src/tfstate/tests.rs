//! State parsing and the adapter: versions, shapes, secrets, folding, unknown types.

use super::adapter::declarations;
use super::*;

const SECRET: &str = "hunter2-in-the-state";

fn state(resources: &str) -> String {
    format!(
        r#"{{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "outputs": {{}}, "resources": [{resources}]}}"#
    )
}

#[test]
fn versions_and_shapes_are_named() {
    let err = |text: &str| {
        parse("s.tfstate", text.as_bytes().to_vec())
            .unwrap_err()
            .to_string()
    };
    assert!(err(r#"{"version": 3, "modules": []}"#).contains("version 3"));
    assert!(err(r#"{"version": 5, "resources": []}"#).contains("newer"));
    assert!(err(r#"{"schema_version": 1, "meta": {}}"#).contains("no `version`"));
    assert!(err(r#"{"version": 4}"#).contains("no `resources`"));
    assert!(err(r#"{"version": 4, "resources": [{"mode": "managed""#).contains("truncated JSON"));
    assert!(err("[1, 2]").contains("s.tfstate"));
    let utf16 = parse("u.tfstate", vec![0xFF, 0xFE, b'{', 0])
        .unwrap_err()
        .to_string();
    assert!(utf16.contains("UTF-16"), "{utf16}");
    let ok = parse("ok.tfstate", state("").into_bytes()).unwrap();
    assert_eq!(ok.terraform_version, "1.11.4");
}

#[test]
fn errors_never_quote_the_state() {
    // A type error inside the resources list would quote the offending value.
    let text = format!(
        r#"{{"version": 4, "resources": [{{"mode": "managed", "type": ["{SECRET}"], "name": "x"}}]}}"#
    );
    let e = parse("s.tfstate", text.into_bytes())
        .unwrap_err()
        .to_string();
    assert!(!e.contains(SECRET), "{e}");
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn sensitive_attributes_are_never_read() {
    let text = state(&format!(
        r#"{{"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "app", "provider": "p",
            "instances": [{{"attributes": {{"id": "/app", "name": "/app", "retention_in_days": 30, "kms_key_id": "{SECRET}"}},
                           "sensitive_attributes": [[{{"type": "get_attr", "value": "retention_in_days"}}]]}}]}}"#
    ));
    let s = parse("s.tfstate", text.into_bytes()).unwrap();
    let i = &s.resources[0].instances[0];
    assert!(i.is_sensitive("retention_in_days"));
    assert_eq!(i.attr("retention_in_days"), None);
    let d = declarations(&[s]);
    // The sensitive attribute is not compared (its value is not even read).
    assert!(
        !d.objects[0].expected.contains_key("retention_in_days")
            || d.objects[0].expected["retention_in_days"].is_null()
    );
    assert!(!format!("{d:?}").contains(SECRET));
}

#[test]
fn rules_fold_into_their_group_and_unknown_types_are_listed() {
    let text = state(
        r#"{"mode": "managed", "type": "aws_security_group", "name": "web", "instances": [{"attributes": {
              "id": "sg-1", "arn": "arn:aws:ec2:eu-west-1:1:security-group/sg-1",
              "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0", "10.0.0.0/8"], "self": true}],
              "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}}]},
           {"mode": "managed", "type": "aws_security_group_rule", "name": "ssh", "instances": [{"attributes": {
              "type": "ingress", "security_group_id": "sg-1", "protocol": "6", "from_port": 22, "to_port": 22, "source_security_group_id": "123456789012/sg-2"}}]},
           {"mode": "managed", "type": "aws_vpc_security_group_egress_rule", "name": "dns", "instances": [{"attributes": {
              "security_group_id": "sg-1", "ip_protocol": "udp", "from_port": 53, "to_port": 53, "cidr_ipv4": "10.0.0.2/32"}}]},
           {"mode": "managed", "type": "aws_lambda_function", "name": "f", "instances": [{"attributes": {"id": "f"}}]},
           {"mode": "managed", "type": "random_id", "name": "r", "instances": [{"index_key": 0, "attributes": {"id": "r"}}]},
           {"mode": "data", "type": "aws_caller_identity", "name": "me", "instances": [{"attributes": {"id": "1"}}]}"#,
    );
    let d = declarations(&[parse("s.tfstate", text.into_bytes()).unwrap()]);
    assert_eq!(d.objects.len(), 1);
    let sg = &d.objects[0];
    assert_eq!(
        (sg.kind, sg.region.as_deref()),
        ("ec2.security_groups", Some("eu-west-1"))
    );
    let ingress: Vec<String> = sg.expected["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["protocol"], r["from_port"], r["peer"]["value"]
            )
        })
        .collect();
    assert_eq!(
        ingress,
        [
            r#""tcp" 22 "sg-2""#,
            r#""tcp" 443 "0.0.0.0/0""#,
            r#""tcp" 443 "10.0.0.0/8""#,
            r#""tcp" 443 "sg-1""#,
        ]
    );
    let egress = sg.expected["egress"].as_array().unwrap();
    assert_eq!(egress.len(), 2);
    assert_eq!(
        (
            egress[0]["protocol"].as_str(),
            egress[0]["to_port"].as_i64()
        ),
        (Some("all"), Some(65535))
    );
    assert_eq!(d.folded["aws_security_group_rule"], 1);
    assert_eq!(
        d.unsupported["aws_lambda_function"],
        ["s.tfstate: aws_lambda_function.f"]
    );
    assert_eq!(d.unsupported["random_id"], ["s.tfstate: random_id.r[0]"]);
    assert!(!d.unsupported.contains_key("aws_caller_identity"));
}

#[test]
fn an_address_or_instance_recorded_twice_is_refused_at_its_line() {
    let vpc = |index: &str| {
        format!(
            r#"{{"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "p",
  "instances": [{{{index}"attributes": {{"id": "vpc-1"}}}}]}}"#
        )
    };
    let twice = state(&format!("{},\n{}", vpc(""), vpc("")));
    let e = parse("d.tfstate", twice.into_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("d.tfstate: line 3, column 1"), "{e}");
    assert!(e.contains("aws_vpc.main is declared twice"), "{e}");
    let keys = state(
        r#"{"mode": "managed", "type": "aws_subnet", "name": "s", "provider": "p",
  "instances": [{"index_key": 0, "attributes": {}},
    {"index_key": 0, "attributes": {}}]}"#,
    );
    let e = parse("k.tfstate", keys.into_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("k.tfstate: line 3, column 5"), "{e}");
    assert!(e.contains("aws_subnet.s[0] is recorded twice"), "{e}");
    // A deposed object beside the current one of the same key is how Terraform records a
    // create-before-destroy replacement: not a duplicate.
    let deposed = state(
        r#"{"mode": "managed", "type": "aws_subnet", "name": "s", "provider": "p",
  "instances": [{"index_key": 0, "attributes": {}},
    {"index_key": 0, "deposed": "abc", "attributes": {}}]}"#,
    );
    assert!(parse("ok.tfstate", deposed.into_bytes()).is_ok());
}
