use super::*;
use crate::config::Config;

fn spec() -> Architecture {
    Config::default_config().architecture
}

/// Every action the planner makes for the shipped drift fixtures.
fn planned() -> Vec<Action> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drift");
    let mut out = Vec::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let name = format!("drift/{}", f.unwrap().file_name().to_string_lossy());
        let (_, _, plan) = crate::fix::plan::planned_fixture(&name);
        out.extend(
            plan.entries
                .into_iter()
                .flat_map(|e| e.steps)
                .map(|s| s.action),
        );
    }
    out
}

#[test]
fn every_action_planned_for_the_drift_fixtures_passes() {
    let spec = spec();
    let actions = planned();
    assert!(actions.len() >= 15, "{}", actions.len());
    for a in actions {
        assert_eq!(a.check(&spec, None), Ok(()), "{a:?}");
    }
}

#[test]
fn values_outside_aws_limits_or_the_spec_are_refused() {
    let spec = spec();
    let svc = |count| Action::SetDesiredCount {
        cluster: "c".into(),
        service: "s".into(),
        count,
    };
    assert!(svc(100_000)
        .check(&spec, None)
        .unwrap_err()
        .contains("outside"));
    assert!(svc(-1).check(&spec, None).unwrap_err().contains("outside"));
    let ret = |days| Action::PutRetention {
        log_group: "/ecs/app".into(),
        days,
    };
    assert!(ret(99_999)
        .check(&spec, None)
        .unwrap_err()
        .contains("not a value"));
    assert!(ret(1)
        .check(&spec, None)
        .unwrap_err()
        .contains("documented bounds"));
    let bad_ids = [
        Action::RevokeIngress {
            group_id: "sg-1; rm -rf /".into(),
            rule_id: "sgr-1".into(),
        },
        Action::EnableVersioning {
            bucket: "Bad Bucket".into(),
        },
        Action::DeleteListener {
            listener_arn: "arn:aws:s3:::not-a-listener".into(),
        },
        Action::DeleteRolePolicy {
            role: "r\nx".into(),
            policy_name: "p".into(),
        },
    ];
    for a in bad_ids {
        assert!(a.check(&spec, None).is_err(), "{a:?}");
    }
    let redirect = Action::SetHttpsRedirect {
        listener_arn: "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c".into(),
        port: 8443,
        status: "HTTP_301".into(),
    };
    assert!(redirect
        .check(&spec, None)
        .unwrap_err()
        .contains("no documented HTTPS listener"));
}
