//! `archaudit drift`: the live account (or `--inventory`) against Terraform state.
//!
//! Every input is read before the collection: `.driftignore`, `--terraform`, the local
//! states (a corrupt or unsupported one stops the run with exit 3, naming the file), then the
//! `s3://` states. A state that cannot be *read* (missing file, denied or failed S3 call)
//! exits 2: without it, what it declares would look unmanaged.

use std::path::{Path, PathBuf};

use super::{load_config, runtime, scan_exit_code, DriftArgs, EXIT_INCOMPLETE};
use crate::aws::Session;
use crate::collect::{self, state_object};
use crate::drift::{self, DriftIgnore};
use crate::inventory::Inventory;
use crate::terraform::Terraform;
use crate::tfstate::{self, State};

/// A state that could not be read (as opposed to one that is not a state).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unreadable(String);

pub(super) fn run(args: DriftArgs) -> anyhow::Result<u8> {
    match run_inner(args) {
        Err(e) if e.downcast_ref::<Unreadable>().is_some() => {
            eprintln!("archaudit: error: {e:#}\narchaudit: without this state, what it declares would look unmanaged: nothing is reported.");
            Ok(EXIT_INCOMPLETE)
        }
        other => other,
    }
}

fn run_inner(args: DriftArgs) -> anyhow::Result<u8> {
    let ignore = match &args.driftignore {
        Some(p) => DriftIgnore::load(p)?,
        None if Path::new(".driftignore").is_file() => {
            DriftIgnore::load(Path::new(".driftignore"))?
        }
        None => DriftIgnore::default(),
    };
    let terraform = args.terraform.as_deref().map(Terraform::load).transpose()?;
    let (remote, local): (Vec<&String>, Vec<&String>) =
        args.tfstate.iter().partition(|s| s.starts_with("s3://"));
    let mut states = States::default();
    for pattern in local {
        for path in expand(pattern)? {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path)
                .map_err(|e| Unreadable(format!("{name}: cannot read: {e}")))?;
            states.states.push(tfstate::parse(&name, bytes)?);
            states.names.push(name);
        }
    }
    let remote: Vec<(String, String)> = remote
        .iter()
        .map(|url| split_s3(url))
        .collect::<anyhow::Result<_>>()?;
    let inventory = match &args.inventory {
        Some(path) => {
            if !remote.is_empty() || args.tfstate.is_empty() {
                anyhow::bail!("with --inventory, give the states as local files (--tfstate PATH): s3:// states and the default state bucket are read from the live account");
            }
            Inventory::load(path)?
        }
        None => collect_live(&args, &remote, &mut states)?,
    };
    report(&args, &inventory, states, &ignore, terraform.as_ref())
}

/// The states read so far, with the names they are reported under.
#[derive(Default)]
struct States {
    states: Vec<tfstate::State>,
    names: Vec<String>,
}

/// Collects the live account and reads the states in S3 (`remote`, or, with no --tfstate,
/// every `*.tfstate` in the state bucket archaudit.toml describes), through one session.
fn collect_live(
    args: &DriftArgs,
    remote: &[(String, String)],
    states: &mut States,
) -> anyhow::Result<Inventory> {
    let options = super::collect::options(&args.aws, args.services.clone())?;
    let config = load_config(args.config.as_ref())?;
    runtime()?.block_on(async {
        let session = Session::connect(&options.aws).await?;
        for (bucket, key) in remote {
            read_remote(&session, bucket, key, &mut states.states, &mut states.names).await?;
        }
        let inventory = collect::collect_with(&session, &options).await?;
        if args.tfstate.is_empty() {
            let bucket = state_bucket(&inventory, &config)?;
            let keys = state_object::list_states(&session, &bucket)
                .await
                .map_err(|e| Unreadable(e.to_string()))?;
            if keys.is_empty() {
                anyhow::bail!(
                    "no --tfstate given, and the state bucket {bucket} holds no *.tfstate object"
                );
            }
            for key in &keys {
                read_remote(
                    &session,
                    &bucket,
                    key,
                    &mut states.states,
                    &mut states.names,
                )
                .await?;
            }
        }
        super::collect::report_retries(&inventory);
        anyhow::Ok(inventory)
    })
}

/// Compares, writes every output asked for, and returns the exit code.
fn report(
    args: &DriftArgs,
    inventory: &Inventory,
    states: States,
    ignore: &DriftIgnore,
    terraform: Option<&Terraform>,
) -> anyhow::Result<u8> {
    let declared = tfstate::adapter::declarations(&states.states);
    drop(states.states);
    let options = drift::Options {
        include_defaults: args.include_defaults,
        only_managed: args.only_managed,
        only_unmanaged: args.only_unmanaged,
        states: states.names,
    };
    let outcome = drift::compare(inventory, &declared, ignore, &options);
    let report = drift::report::report(
        inventory,
        outcome,
        terraform,
        "<archaudit drift: Terraform state>",
    );
    args.out.write(&report, None)?;
    let coverage = report.drift.as_ref().and_then(|d| d.coverage);
    let prefix = format!(
        "coverage {}; ",
        coverage.map_or("n/a".to_owned(), |c| format!("{c:.1}%"))
    );
    args.out.summarize(&report, args.fail_on, &prefix);
    Ok(scan_exit_code(
        &report.summary,
        args.fail_on.threshold(),
        args.allow_incomplete,
    ))
}

/// A path, or the files a glob matches (sorted; a glob matching nothing is an error).
fn expand(pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    if !pattern.contains(['*', '?', '[']) {
        return Ok(vec![PathBuf::from(pattern)]);
    }
    let paths =
        glob::glob(pattern).map_err(|e| anyhow::anyhow!("--tfstate {pattern}: bad glob: {e}"))?;
    let mut files: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("--tfstate {pattern}: the glob matches no file");
    }
    Ok(files)
}

/// `s3://bucket/key` → (bucket, key).
fn split_s3(url: &str) -> anyhow::Result<(String, String)> {
    let rest = url.trim_start_matches("s3://");
    match rest.split_once('/') {
        Some((b, k)) if !b.is_empty() && !k.is_empty() => Ok((b.to_owned(), k.to_owned())),
        _ => anyhow::bail!("--tfstate {url}: expected s3://BUCKET/KEY"),
    }
}

async fn read_remote(
    session: &Session,
    bucket: &str,
    key: &str,
    states: &mut Vec<State>,
    names: &mut Vec<String>,
) -> anyhow::Result<()> {
    let name = format!("s3://{bucket}/{key}");
    let bytes = state_object::read(session, bucket, key)
        .await
        .map_err(|e| Unreadable(e.to_string()))?;
    states.push(tfstate::parse(&name, bytes)?);
    names.push(name);
    Ok(())
}

/// The bucket `[architecture.state_bucket]` describes (by name glob or tag), which must be
/// exactly one.
fn state_bucket(inventory: &Inventory, config: &crate::config::Config) -> anyhow::Result<String> {
    let Some(spec) = &config.architecture.state_bucket else {
        anyhow::bail!(
            "no --tfstate given, and {} documents no state bucket ([architecture.state_bucket]); give --tfstate PATH_OR_URL",
            config.origin()
        );
    };
    let pattern = glob::Pattern::new(spec.name_pattern.get_ref())?;
    let hits: Vec<&str> = inventory
        .aws
        .s3
        .buckets
        .iter()
        .filter(|b| {
            pattern.matches(&b.meta.id)
                || b.meta
                    .tags
                    .as_ref()
                    .and_then(|t| t.get(&spec.tag_key))
                    .is_some_and(|v| *v == spec.tag_value)
        })
        .map(|b| b.meta.id.as_str())
        .collect();
    match hits.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => anyhow::bail!(
            "no --tfstate given, and no bucket matches the state bucket of {} (name `{}` or tag {}={}); give --tfstate PATH_OR_URL",
            config.origin(), spec.name_pattern.get_ref(), spec.tag_key, spec.tag_value
        ),
        many => anyhow::bail!(
            "no --tfstate given, and several buckets match the state bucket of {}: {}; give --tfstate s3://BUCKET/KEY",
            config.origin(),
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::state_bucket;
    use crate::config::{Config, DEFAULT_TOML};
    use crate::inventory::Inventory;

    #[test]
    fn the_state_bucket_must_be_exactly_one() {
        let mut inventory = Inventory::reference();
        let config = Config::default_config();
        let one = state_bucket(&inventory, &config).unwrap();
        assert_eq!(one, "archaudit-terraform-state-123456789012");

        let none = DEFAULT_TOML
            .replace("*terraform-state*", "*no-such-bucket*")
            .replace("tag_value = \"terraform-state\"", "tag_value = \"none\"");
        let none = Config::parse(&none, "none.toml").unwrap();
        let err = state_bucket(&inventory, &none).unwrap_err().to_string();
        assert!(
            err.contains("no bucket matches the state bucket of none.toml"),
            "{err}"
        );

        let mut twin = inventory.aws.s3.buckets[0].clone();
        twin.meta.id = "other-terraform-state".to_owned();
        twin.meta.arn = "arn:aws:s3:::other-terraform-state".to_owned();
        inventory.aws.s3.buckets.push(twin);
        let err = state_bucket(&inventory, &config).unwrap_err().to_string();
        assert!(
            err.contains("several buckets match the state bucket of"),
            "{err}"
        );
        assert!(
            err.contains("archaudit-terraform-state-123456789012, other-terraform-state"),
            "{err}"
        );
    }
}
