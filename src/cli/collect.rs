//! `archaudit collect`.

use std::io::IsTerminal;

use super::{runtime, write_output, AwsArgs, CollectArgs, EXIT_INCOMPLETE, EXIT_OK};
use crate::collect::{self, Service};
use crate::inventory::{Inventory, NOT_COLLECTED};

/// [`options`], with the regions of the spec's networks when `--region` names none: a scan
/// reads where the documented architecture lives.
pub(super) fn options_for(
    aws: &AwsArgs,
    services: Vec<Service>,
    spec: &crate::config::Architecture,
) -> anyhow::Result<collect::Options> {
    let mut o = options(aws, services)?;
    if o.aws.regions.is_empty() {
        o.aws.regions = spec.regions();
    }
    Ok(o)
}

pub(super) fn options(aws: &AwsArgs, services: Vec<Service>) -> anyhow::Result<collect::Options> {
    if let Some(rps) = aws.max_rps {
        if !rps.is_finite() || rps < 0.0 || (rps > 0.0 && rps < 0.1) || rps > 100_000.0 {
            anyhow::bail!(
                "--max-rps must be 0 (no limit) or between 0.1 and 100000 calls per second, got {rps}"
            );
        }
    }
    if let Some(rps) = aws.max_rps_total {
        if !rps.is_finite() || !(0.1..=100_000.0).contains(&rps) {
            anyhow::bail!(
                "--max-rps-total must be between 0.1 and 100000 calls per second, got {rps}"
            );
        }
    }
    let endpoint_url = aws.endpoint_url.clone().filter(|u| !u.is_empty());
    if let Some(url) = &endpoint_url {
        check_endpoint(url)?;
    }
    Ok(collect::Options {
        aws: crate::aws::Options {
            profile: aws.profile.clone(),
            regions: aws
                .regions
                .iter()
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect(),
            endpoint_url,
            max_rps: aws.max_rps,
            max_attempts: aws.max_attempts.max(1),
            max_rps_total: aws.max_rps_total,
        },
        services,
        concurrency: usize::from(aws.calls_in_flight.max(1)),
        progress: std::io::stderr().is_terminal(),
        timeout: std::time::Duration::from_secs(aws.timeout),
    })
}

/// Rejects an endpoint URL that could never work, before any call is retried against it.
fn check_endpoint(url: &str) -> anyhow::Result<()> {
    let bad = |why: &str| anyhow::anyhow!("--endpoint-url (or AWS_ENDPOINT_URL) `{url}` {why}");
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad(
            "is not a URL: expected http://host[:port] or https://host[:port]",
        ));
    };
    if !matches!(scheme, "http" | "https") {
        return Err(bad("must use http or https"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port (`[::1]`) has colons inside its brackets.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (authority, None),
    };
    if host.is_empty() || host == "[]" {
        return Err(bad("names no host"));
    }
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 => {}
            _ => return Err(bad("has an invalid port (1–65535)")),
        }
    }
    Ok(())
}

pub(super) fn run(args: CollectArgs) -> anyhow::Result<u8> {
    let options = options(&args.aws, args.services)?;
    let inventory = runtime()?.block_on(collect::collect(&options))?;
    let mut json = serde_json::to_string_pretty(&inventory)?;
    json.push('\n');
    write_output(args.output.as_deref(), json.as_bytes())?;
    report_gaps(&inventory);
    report_retries(&inventory);
    // Services the user left out are recorded (so scans of this inventory stay honest) but do
    // not make `collect` itself incomplete: everything asked for was read.
    let failed = inventory.gaps.iter().any(|g| g.code != NOT_COLLECTED);
    Ok(if failed { EXIT_INCOMPLETE } else { EXIT_OK })
}

/// One line on stderr when the API pushed back (retries, throttles), per service, so a slow
/// night is explained.
pub(super) fn report_retries(inventory: &Inventory) {
    let mut per: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    for (key, s) in &inventory.meta.services {
        let service = key.split('/').next().unwrap_or(key);
        let e = per.entry(service).or_default();
        e.0 += s.retries;
        e.1 += s.throttled;
    }
    let busy: Vec<String> = per
        .iter()
        .filter(|(_, (r, _))| *r > 0)
        .map(|(s, (r, t))| format!("{s} {r} ({t} throttled)"))
        .collect();
    if !busy.is_empty() {
        let (r, t) = per.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        eprintln!(
            "archaudit: the API pushed back: {r} retries, {t} throttled answers — {}",
            busy.join(", ")
        );
    }
}

/// One paragraph on stderr naming what could not be read, so an incomplete run is never silent.
fn report_gaps(inventory: &Inventory) {
    let failed: Vec<_> = inventory
        .gaps
        .iter()
        .filter(|g| g.code != NOT_COLLECTED)
        .cloned()
        .collect();
    if !failed.is_empty() {
        eprintln!("{}", crate::report::gap_summary(&failed));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoint_urls_are_checked_before_any_call() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://example.com",
            "http://[::1]:4566/",
            "http://localhost",
        ] {
            super::check_endpoint(ok).unwrap();
        }
        for (bad, why) in [
            ("ftp://x", "http or https"),
            ("http://127.0.0.1:99999", "invalid port"),
            ("http://127.0.0.1:0", "invalid port"),
            ("127.0.0.1:5000", "not a URL"),
            ("http://:80", "no host"),
            ("http://", "no host"),
        ] {
            let e = super::check_endpoint(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
