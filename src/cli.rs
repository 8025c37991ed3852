//! The command line: parses arguments, runs a stage pipeline, maps the outcome to an exit code.
//!
//! Exit codes (stable, documented in the README):
//! - `0`: success (for `collect`: the inventory is complete);
//! - `1`: findings at or above `--fail-on` (`scan`);
//! - `2`: incomplete: some calls failed and the inventory lists them under `gaps`;
//! - `3`: usage error or a failure that stopped the command (bad flag, no credentials, I/O).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::collect::{self, Service};
use crate::inventory::{Gap, Inventory};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the result is incomplete (collection gaps).
pub const EXIT_INCOMPLETE: u8 = 2;
/// Exit code: usage error or failure.
pub const EXIT_ERROR: u8 = 3;

/// Audit a live AWS account against its documented architecture.
#[derive(Debug, Parser)]
#[command(name = "archaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// AWS connection and collection settings.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// More logging on stderr (-v: debug, -vv: also the AWS SDK).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// AWS options, named as in the AWS CLI.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// Named profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE or `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to collect; repeat or comma-separate for several, `all` for every enabled region
    /// (default: AWS_REGION or the profile's region).
    #[arg(
        long = "region",
        global = true,
        value_name = "REGION",
        value_delimiter = ','
    )]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint instead (an emulator such as moto).
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Client-side limit of API calls per second per service (0: no limit).
    #[arg(long, global = true, default_value_t = 20.0, value_name = "N")]
    pub max_rps: f64,
    /// Per-resource calls in flight per service and region.
    #[arg(long, global = true, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per call (first try included) under the SDK's adaptive retry mode.
    #[arg(long, global = true, default_value_t = 5, value_name = "N")]
    pub max_attempts: u32,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the live account into an inventory (JSON).
    Collect(CollectArgs),
    /// Evaluate the architecture policies and report drift (not yet available).
    Scan,
    /// Plan and apply fixes for drift (not yet available).
    Fix,
    /// List and test the policies (not yet available).
    Policy,
    /// Print the inventory's JSON Schema.
    Schema,
}

/// `archaudit collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Write the inventory here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Collect only these services (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<Service>,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    init_tracing(cli.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("archaudit: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "archaudit=debug",
        _ => "archaudit=trace,aws_config=debug,aws_smithy_runtime=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ARCHAUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Collect(args) => collect_command(&cli.aws, args),
        Command::Schema => {
            print!("{}", crate::inventory::json_schema());
            Ok(EXIT_OK)
        }
        Command::Scan | Command::Fix | Command::Policy => {
            anyhow::bail!("this command is not available yet; `archaudit collect` is")
        }
    }
}

fn collect_options(aws: &AwsArgs, services: Vec<Service>) -> anyhow::Result<collect::Options> {
    if aws.max_rps < 0.0 || !aws.max_rps.is_finite() {
        anyhow::bail!("--max-rps must be a number >= 0, got {}", aws.max_rps);
    }
    Ok(collect::Options {
        profile: aws.profile.clone(),
        regions: aws
            .regions
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        endpoint_url: aws.endpoint_url.clone().filter(|u| !u.is_empty()),
        services,
        max_rps: aws.max_rps,
        concurrency: aws.concurrency.max(1),
        max_attempts: aws.max_attempts.max(1),
        progress: std::io::stderr().is_terminal(),
    })
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn collect_command(aws: &AwsArgs, args: CollectArgs) -> anyhow::Result<u8> {
    let options = collect_options(aws, args.services)?;
    let inventory = runtime()?.block_on(collect::collect(&options))?;
    let mut json = serde_json::to_string_pretty(&inventory)?;
    json.push('\n');
    match &args.output {
        Some(path) => std::fs::write(path, json)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => std::io::stdout().lock().write_all(json.as_bytes())?,
    }
    report_gaps(&inventory);
    Ok(if inventory.is_complete() {
        EXIT_OK
    } else {
        EXIT_INCOMPLETE
    })
}

/// One paragraph on stderr naming what could not be read, so an incomplete run is never silent.
fn report_gaps(inventory: &Inventory) {
    if inventory.gaps.is_empty() {
        return;
    }
    eprintln!("{}", gap_summary(&inventory.gaps));
}

/// Summarizes gaps: how many, by service/region, error code and operation.
pub fn gap_summary(gaps: &[Gap]) -> String {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for g in gaps {
        *groups
            .entry((
                format!("{}/{}", g.service, g.region),
                g.operation.clone(),
                g.code.clone(),
            ))
            .or_default() += 1;
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|((at, op, code), n)| {
            if *n == 1 {
                format!("{at} {op} ({code})")
            } else {
                format!("{at} {op} ({code}) x{n}")
            }
        })
        .collect();
    format!(
        "archaudit: collection incomplete: {} failed call(s): {}. What they would have shown is absent from the inventory and listed under `gaps`; nothing was assumed.",
        gaps.len(),
        parts.join("; ")
    )
}
