//! SARIF of a run over many accounts: one run per account, each in its own category
//! (`archaudit/<account>/<regions>/`), so code scanning opens and closes an account's alerts
//! with that account's results only. An unreadable account's run is marked unsuccessful and
//! names every rule not evaluated: its alerts stay open (with `--baseline`, its findings are
//! carried over as results).

use std::io::Write;

use serde_json::json;

use super::{build, gzipped_len, SarifOptions, MAX_GZIPPED_BYTES};
use crate::report::org::OrgReport;
use crate::report::Report;

/// GitHub's limit of runs in one uploaded file.
pub const MAX_RUNS: usize = 20;

/// The options for one account's run: a user category becomes `<category>/<account>/`.
pub fn account_options(report: &Report, options: &SarifOptions) -> SarifOptions {
    SarifOptions {
        category: options.category.as_ref().map(|c| {
            format!(
                "{}/{}/{}/",
                c.trim_end_matches('/'),
                report.account_id,
                report.regions.join("+")
            )
        }),
    }
}

/// Why a run's SARIF does not fit one upload.
fn too_big(what: String) -> std::io::Error {
    std::io::Error::other(format!(
        "{what}: write one file per account with --sarif-dir DIR (upload each), or split the run with --shard so that each shard's file fits"
    ))
}

/// Writes one SARIF log with a run per account.
pub fn write(org: &OrgReport, options: &SarifOptions, out: &mut dyn Write) -> std::io::Result<()> {
    if org.accounts.len() > MAX_RUNS {
        return Err(too_big(format!(
            "{} accounts make {} SARIF runs; GitHub accepts {MAX_RUNS} runs in one file",
            org.accounts.len(),
            org.accounts.len()
        )));
    }
    let runs: Vec<serde_sarif::sarif::Run> = org
        .accounts
        .iter()
        .flat_map(|a| build(&a.report, &account_options(&a.report, options)).runs)
        .collect();
    let sarif = serde_sarif::sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(runs)
        .build();
    let bytes = serde_json::to_vec_pretty(&sarif)?;
    if gzipped_len(&bytes)? > MAX_GZIPPED_BYTES {
        return Err(too_big(
            "the run's SARIF is over GitHub's 10 MB (gzipped) upload limit".to_owned(),
        ));
    }
    out.write_all(&bytes)?;
    out.write_all(b"\n")
}

/// Writes `<dir>/<account>.sarif` for every account (each cut to the upload limits on its
/// own, as a single-account scan's); returns the files written.
pub fn write_dir(
    org: &OrgReport,
    options: &SarifOptions,
    dir: &std::path::Path,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for a in &org.accounts {
        let path = dir.join(format!("{}.sarif", a.account_id));
        let mut buf = Vec::new();
        super::write(&a.report, &account_options(&a.report, options), &mut buf)?;
        std::fs::write(&path, buf)?;
        files.push(path);
    }
    Ok(files)
}
