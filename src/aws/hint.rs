//! What a failed first call (`sts:GetCallerIdentity`) means, for the person at the terminal.

use super::Failure;

/// What a failed first call means: the connection, the TLS handshake, a timeout, missing or
/// rejected credentials each get their own advice.
pub(super) fn identity_hint(f: &Failure) -> &'static str {
    const TIMEOUT: &str = "no answer in time: the endpoint accepts connections but does not respond (a firewall, a proxy or a wrong port?)";
    const REJECTED: &str = "the credentials were rejected: check that the key is active and not expired (--profile, AWS_PROFILE or the AWS_* variables)";
    const REJECTING_CODES: &[&str] = &[
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "UnrecognizedClientException",
        "AuthFailure",
        "IncompleteSignature",
        "AccessDenied",
        "AccessDeniedException",
    ];
    let m = f.message.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if f.code == "TimeoutError" {
        TIMEOUT
    } else if REJECTING_CODES.contains(&f.code.as_str())
        // An answer the SDK could not parse still names its code in the raw body.
        || REJECTING_CODES.iter().any(|c| m.contains(&c.to_ascii_lowercase()))
    {
        REJECTED
    } else if m.contains("no credentials")
        || (m.contains("credentials") && has(&["not loaded", "provider"]))
    {
        "no credentials were found: pass --profile, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    } else if m.contains("connection refused") {
        "the connection was refused: nothing listens at the endpoint (check --endpoint-url / AWS_ENDPOINT_URL and the port)"
    } else if has(&["certificate", "tls", "ssl", "handshake"]) {
        "the TLS handshake failed: check the endpoint's scheme (http or https) and its certificate"
    } else if has(&["dns", "lookup", "resolve"]) {
        "the endpoint's host name does not resolve"
    } else if has(&["timed out", "timeout"]) {
        TIMEOUT
    } else {
        "archaudit needs working credentials and a reachable endpoint: check --profile, AWS_PROFILE, the AWS_* variables and --endpoint-url"
    }
}

#[cfg(test)]
mod hint_tests {
    use super::{identity_hint, Failure};

    #[test]
    fn each_first_call_failure_gets_its_own_advice() {
        let hint = |code: &str, message: &str| identity_hint(&Failure::other(code, message));
        assert!(hint("TimeoutError", "").starts_with("no answer in time"));
        assert!(hint("InvalidClientTokenId", "").starts_with("the credentials were rejected"));
        assert!(
            hint("UnknownServiceError", "…<Code>InvalidClientTokenId</Code>…")
                .starts_with("the credentials were rejected")
        );
        assert!(
            hint("DispatchFailure", "no credentials in the chain").starts_with("no credentials")
        );
        assert!(hint(
            "DispatchFailure",
            "io error: Connection refused (os error 111)"
        )
        .starts_with("the connection was refused"));
        assert!(hint("DispatchFailure", "invalid peer certificate").starts_with("the TLS"));
        assert!(
            hint("DispatchFailure", "dns error: failed to lookup address")
                .starts_with("the endpoint's host name")
        );
    }
}
