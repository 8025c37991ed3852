//! Reading report files: what the file is (not an inventory, a SARIF log or the other kind of
//! report; this version), then the typed report, streamed from disk with its size capped.
//! Reports come back from other jobs and artifact stores: they are untrusted input.

use serde::Deserialize;

use super::{org, Finding, ReportError, REPORT_VERSION};

/// The largest report file read: an organization's report of hundreds of accounts is tens
/// of MiB; anything this large is not a report archaudit wrote.
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// What the first pass over a report file keeps: the keys that say what the file is. Every
/// other value is skipped without being built, so a huge file that is not a report is refused
/// in one streaming pass, in bounded memory.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    schema_version: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    runs: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(default)]
    version: Option<serde_json::Value>,
    #[serde(default)]
    tool_version: Option<serde_json::Value>,
}

/// Reads a report file of one account (`organization` false) or of a run over many: its size
/// checked, its first byte a JSON object's, then streamed twice (what it is, then the typed
/// report), never held as a JSON tree. Invalid UTF-8 and syntax errors are located.
pub(crate) fn load_checked<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    organization: bool,
) -> Result<T, ReportError> {
    use std::io::{BufRead, BufReader};
    let origin = path.display().to_string();
    let io = |e: std::io::Error| ReportError::Io {
        path: origin.clone(),
        message: e.to_string(),
    };
    let open = || std::fs::File::open(path).map(|f| BufReader::with_capacity(1 << 16, f));
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_REPORT_BYTES {
        return Err(ReportError::NotAReport {
            path: origin.clone(),
            what: format!("{size} bytes is larger than any report archaudit reads ({MAX_REPORT_BYTES} at most)"),
        });
    }
    let mut reader = open().map_err(io)?;
    let head = reader.fill_buf().map_err(io)?;
    if let Some(why) = crate::text::byte_order_mark(head) {
        return Err(ReportError::NotAReport {
            path: origin.clone(),
            what: why.to_owned(),
        });
    }
    let start = head
        .iter()
        .position(|b| !b" \t\r\n".contains(b))
        .unwrap_or(head.len());
    if head.get(start) != Some(&b'{') {
        let (line, column) = crate::text::position(head, start);
        return Err(ReportError::Parse {
            path: origin.clone(),
            line,
            column,
            message: "expected a JSON object (`{`): not a report".to_owned(),
        });
    }
    let parse_err = |e| parse_error(&origin, e);
    let probe: Probe = serde_json::from_reader(reader).map_err(parse_err)?;
    identify(&probe, &origin, organization)?;
    serde_json::from_reader(open().map_err(io)?).map_err(parse_err)
}

/// A JSON error of report `origin`, located.
fn parse_error(origin: &str, e: serde_json::Error) -> ReportError {
    ReportError::Parse {
        path: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Refuses what a probed file is if it is not the report expected: an inventory, a SARIF
/// log, the other kind of report, another version.
fn identify(probe: &Probe, origin: &str, organization: bool) -> Result<(), ReportError> {
    let not = |what: &str| ReportError::NotAReport {
        path: origin.to_owned(),
        what: what.to_owned(),
    };
    if probe.schema_version.is_some() {
        return Err(not("it is an inventory (`archaudit collect`)"));
    }
    if probe.runs.is_some() {
        return Err(not("it is a SARIF log"));
    }
    let is_org = probe.kind.as_ref().and_then(serde_json::Value::as_str) == Some(org::ORG_KIND);
    if is_org != organization {
        return Err(not(if organization {
            "it is not an organization report (`scan --org --format json`, a shard's or `merge`'s)"
        } else {
            "it is an organization report (`scan --org`): `merge` and organization scans read it"
        }));
    }
    let Some(version) = &probe.version else {
        return Err(not("it has no `version`"));
    };
    let Some(found) = version.as_u64() else {
        return Err(not("its `version` is not a whole number"));
    };
    if found != u64::from(REPORT_VERSION) {
        return Err(ReportError::Version {
            path: origin.to_owned(),
            found,
            tool: probe
                .tool_version
                .as_ref()
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?")
                .to_owned(),
        });
    }
    Ok(())
}

/// Parses a report of one account (`organization` false) or of a run over many from text
/// already in memory, after checking what the JSON is.
pub(crate) fn parse_checked<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    organization: bool,
) -> Result<T, ReportError> {
    let parse_err = |e| parse_error(origin, e);
    let probe: Probe = serde_json::from_str(text).map_err(parse_err)?;
    identify(&probe, origin, organization)?;
    serde_json::from_str(text).map_err(parse_err)
}

/// Parses every finding's details again against its fix (a report reads them untyped).
pub(crate) fn check_findings(findings: &mut [Finding], origin: &str) -> Result<(), ReportError> {
    for f in findings {
        f.check_details().map_err(|message| ReportError::Finding {
            path: origin.to_owned(),
            fingerprint: f.fingerprint.clone(),
            policy: f.policy_id.clone(),
            message,
        })?;
    }
    Ok(())
}
