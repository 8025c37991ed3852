//! The regorus engine as archaudit configures it.

/// A new engine with archaudit's settings: OPA semantics for builtin errors (a bad CIDR makes
/// an expression undefined instead of aborting the evaluation), and the OPA builtins regorus
/// lacks, registered under their OPA names so policies stay OPA-compatible:
/// `net.cidr_intersects(a, b)`.
pub fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_strict_builtin_errors(false);
    let intersects = |args: Vec<regorus::Value>| -> anyhow::Result<regorus::Value> {
        match (args.first(), args.get(1)) {
            // Like OPA's builtin on bad input: undefined, not an error that aborts the scan.
            (Some(regorus::Value::String(a)), Some(regorus::Value::String(b))) => {
                match (crate::cidr::parse(a), crate::cidr::parse(b)) {
                    (Some(_), Some(_)) => Ok(regorus::Value::from(crate::cidr::intersects(a, b))),
                    _ => Ok(regorus::Value::Undefined),
                }
            }
            _ => Ok(regorus::Value::Undefined),
        }
    };
    // Registration fails only if a future regorus ships the builtin itself; then its own is used.
    let _ = engine.add_extension("net.cidr_intersects".to_owned(), 2, Box::new(intersects));
    engine
}

#[cfg(test)]
mod tests {
    #[test]
    fn cidr_intersects_is_undefined_on_bad_input_like_opa() {
        let mut e = super::new_engine();
        e.add_policy(
            "t.rego".into(),
            "package t\n\nyes := net.cidr_intersects(\"10.0.0.0/16\", \"10.0.1.0/24\")\n\nno := net.cidr_intersects(\"10.0.0.0/16\", \"10.1.0.0/24\")\n\nbad := net.cidr_intersects(\"not-a-cidr\", \"10.0.0.0/8\")\n\nafter_bad := true if {\n\tnot net.cidr_intersects(\"x\", \"y\")\n}\n".into(),
        )
        .unwrap();
        let mut eval = |rule: &str| e.eval_rule(format!("data.t.{rule}")).unwrap();
        assert_eq!(eval("yes"), regorus::Value::from(true));
        assert_eq!(eval("no"), regorus::Value::from(false));
        assert_eq!(eval("bad"), regorus::Value::Undefined);
        assert_eq!(eval("after_bad"), regorus::Value::from(true));
    }
}
