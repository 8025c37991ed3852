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
