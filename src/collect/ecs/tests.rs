use super::*;

#[test]
fn credential_detection() {
    assert!(looks_like_credential("DB_PASSWORD", "hunter2"));
    assert!(looks_like_credential("github_token", "x"));
    assert!(looks_like_credential("ANYTHING", "AKIAIOSFODNN7EXAMPLE"));
    assert!(looks_like_credential(
        "DSN",
        "postgres://app:s3cret@db:5432/app"
    ));
    assert!(looks_like_credential(
        "X",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"
    ));
    assert!(!looks_like_credential("DB_PASSWORD", ""));
    assert!(!looks_like_credential("NODE_ENV", "production"));
    assert!(!looks_like_credential("PORT", "3000"));
    // References to where a secret is kept are not secrets.
    assert!(!looks_like_credential(
        "DB_SECRET_ARN",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCd"
    ));
    assert!(!looks_like_credential(
        "API_TOKEN_PARAM",
        "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/app/token"
    ));
    assert!(looks_like_credential("DB_SECRET", "arn-but-not-really"));
    assert!(!looks_like_credential(
        "API_URL",
        "https://api.example.com/v1"
    ));
}

#[test]
fn secret_sources() {
    assert_eq!(
        secret_source("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCd"),
        "secretsmanager"
    );
    assert_eq!(secret_source("arn:aws:ssm:us-east-1:1:parameter/db"), "ssm");
    assert_eq!(secret_source("/app/db"), "ssm");
}
