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
use crate::config::Config;
use crate::finding::Severity;
use crate::inventory::{Gap, Inventory};
use crate::policy::PolicySet;
use crate::report::{self, Format};

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
    /// Evaluate the architecture policies on the live account (or `--inventory`) and report drift.
    Scan(ScanArgs),
    /// Write the default archaudit.toml (the documented reference architecture), commented.
    Init(InitArgs),
    /// List or test the policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Plan and apply fixes for drift (not yet available).
    Fix,
    /// Print the inventory's JSON Schema.
    Schema,
}

/// Where policies come from.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Add the `*.rego` policies (and `*_test.rego` tests) under DIR; repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in policies.
    #[arg(long)]
    pub no_builtin: bool,
    /// The architecture spec (default: ./archaudit.toml if present, else the built-in reference).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `archaudit scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scan this inventory (from `archaudit collect`) instead of the live account.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Policies and configuration.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is not waived.
    #[arg(long, value_enum, default_value_t = Severity::High, value_name = "SEVERITY")]
    pub fail_on: Severity,
    /// Do not exit 2 when collection had gaps or rules could not be evaluated.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Collect only these services (live scans).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<Service>,
}

/// `archaudit init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(short, long, default_value = "archaudit.toml", value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `archaudit policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the policies with id, severity and title.
    List {
        /// Policies and configuration.
        #[command(flatten)]
        policy: PolicyArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run every `test_*` rule in the `*_test.rego` files under regorus.
    Test {
        /// Policies and configuration.
        #[command(flatten)]
        policy: PolicyArgs,
        /// Print line coverage of each policy file.
        #[arg(long)]
        coverage: bool,
    },
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
        Command::Scan(args) => scan_command(&cli.aws, args),
        Command::Init(args) => init_command(&args),
        Command::Policy(PolicyCommand::List { policy, format }) => policy_list(&policy, format),
        Command::Policy(PolicyCommand::Test { policy, coverage }) => policy_test(&policy, coverage),
        Command::Fix => anyhow::bail!(
            "`archaudit fix` is not available yet; `scan` shows each finding's remediation"
        ),
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
    // Services the user left out are recorded (so scans of this inventory stay honest) but do
    // not make `collect` itself incomplete: everything asked for was read.
    let failed = inventory
        .gaps
        .iter()
        .any(|g| g.code != collect::NOT_COLLECTED);
    Ok(if failed { EXIT_INCOMPLETE } else { EXIT_OK })
}

/// One paragraph on stderr naming what could not be read, so an incomplete run is never silent.
fn report_gaps(inventory: &Inventory) {
    let failed: Vec<Gap> = inventory
        .gaps
        .iter()
        .filter(|g| g.code != collect::NOT_COLLECTED)
        .cloned()
        .collect();
    if !failed.is_empty() {
        eprintln!("{}", gap_summary(&failed));
    }
}

/// Summarizes gaps: how many, by service/region, error code and operation; services left out
/// with `--services` are named separately.
pub fn gap_summary(gaps: &[Gap]) -> String {
    use std::collections::{BTreeMap, BTreeSet};
    let skipped: BTreeSet<&str> = gaps
        .iter()
        .filter(|g| g.code == collect::NOT_COLLECTED)
        .map(|g| g.service.as_str())
        .collect();
    let failed: Vec<&Gap> = gaps
        .iter()
        .filter(|g| g.code != collect::NOT_COLLECTED)
        .collect();
    let mut groups: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for g in &failed {
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
    let mut out = Vec::new();
    if !failed.is_empty() {
        out.push(format!(
            "archaudit: collection incomplete: {} failed call(s): {}. What they would have shown is absent from the inventory and listed under `gaps`; nothing was assumed.",
            failed.len(),
            parts.join("; ")
        ));
    }
    if !skipped.is_empty() {
        out.push(format!(
            "archaudit: not collected (left out with --services): {}; rules that need them are not evaluated.",
            skipped.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    out.join("\n")
}

/// The config: `--config`, else `./archaudit.toml` when present, else the built-in reference.
fn load_config(path: Option<&PathBuf>) -> anyhow::Result<Config> {
    let default = PathBuf::from("archaudit.toml");
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if default.is_file() => Ok(Config::load(&default)?),
        None => Ok(Config::default_config()),
    }
}

fn load_policies(args: &PolicyArgs) -> anyhow::Result<(Config, PolicySet)> {
    let config = load_config(args.config.as_ref())?;
    let mut set = PolicySet::load(!args.no_builtin, &args.policies)?;
    set.set_architecture(&config.architecture_json())?;
    Ok((config, set))
}

fn write_output(path: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn scan_command(aws: &AwsArgs, args: ScanArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    let inventory = match &args.inventory {
        Some(path) => Inventory::load(path)?,
        None => {
            let options = collect_options(aws, args.services.clone())?;
            runtime()?.block_on(collect::collect(&options))?
        }
    };
    let report = crate::scan::scan(&inventory, &config, &policies, today())?;
    let bytes = match args.format {
        Format::Json => {
            let mut buf = Vec::new();
            report::write_json(&report, &mut buf)?;
            buf
        }
        Format::Table => {
            let color = args.output.is_none() && color_enabled();
            report::table::render(&report, color, 160).into_bytes()
        }
    };
    write_output(args.output.as_ref(), &bytes)?;
    if args.output.is_some() || args.format != Format::Table {
        eprintln!(
            "archaudit: {} finding(s) at or above {}; {} rule(s) not evaluated; {} gap(s).",
            report.summary.at_or_above(args.fail_on),
            args.fail_on.as_str(),
            report.summary.not_evaluated,
            report.summary.gaps
        );
    }
    Ok(scan_exit_code(
        &report.summary,
        args.fail_on,
        args.allow_incomplete,
    ))
}

/// Findings at or above the threshold win (they are real whatever else is missing); then an
/// incomplete result exits 2 unless the user accepts it.
pub fn scan_exit_code(summary: &report::Summary, fail_on: Severity, allow_incomplete: bool) -> u8 {
    if summary.at_or_above(fail_on) > 0 {
        EXIT_FINDINGS
    } else if !summary.complete && !allow_incomplete {
        EXIT_INCOMPLETE
    } else {
        EXIT_OK
    }
}

fn init_command(args: &InitArgs) -> anyhow::Result<u8> {
    if args.output.exists() && !args.force {
        anyhow::bail!(
            "{} exists; pass --force to overwrite it",
            args.output.display()
        );
    }
    std::fs::write(&args.output, crate::config::DEFAULT_TOML)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    eprintln!(
        "wrote {}: the documented reference architecture; edit it to match yours.",
        args.output.display()
    );
    Ok(EXIT_OK)
}

fn policy_list(args: &PolicyArgs, format: Format) -> anyhow::Result<u8> {
    let (_, set) = load_policies(args)?;
    let bytes = match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = set
                .policies()
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.meta.custom.id,
                        "severity": p.meta.custom.severity,
                        "title": p.meta.title,
                        "resource_type": p.meta.custom.resource_type,
                        "requires": p.meta.custom.requires,
                        "fix": p.meta.custom.remediation.fix,
                        "source": format!("{}:{}", p.path, p.deny_line),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&rows)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Table => {
            let mut table = comfy_table::Table::new();
            table
                .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_width(160);
            table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            table.set_header(vec!["Id", "Severity", "Title", "Fix"]);
            for p in set.policies() {
                table.add_row(vec![
                    p.meta.custom.id.clone(),
                    p.meta.custom.severity.as_str().to_owned(),
                    p.meta.title.clone(),
                    p.meta.custom.remediation.fix.clone().unwrap_or_default(),
                ]);
            }
            format!("{table}\n{} policies\n", set.policies().len()).into_bytes()
        }
    };
    write_output(None, &bytes)?;
    Ok(EXIT_OK)
}

fn policy_test(args: &PolicyArgs, coverage: bool) -> anyhow::Result<u8> {
    let (config, set) = load_policies(args)?;
    let (outcomes, files) =
        crate::policy::testing::run(&set, &config.architecture_json(), coverage)?;
    let mut out = String::new();
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    for f in &failed {
        out.push_str(&format!(
            "FAIL {} {}: {}\n",
            f.file,
            f.name,
            f.detail.as_deref().unwrap_or_default()
        ));
    }
    if coverage {
        for f in &files {
            let total = f.covered + f.not_covered.len();
            let pct = if total == 0 {
                100.0
            } else {
                100.0 * f.covered as f64 / total as f64
            };
            let lines: Vec<String> = f.not_covered.iter().map(u32::to_string).collect();
            out.push_str(&format!(
                "coverage {:5.1}% {}{}\n",
                pct,
                f.file,
                if lines.is_empty() {
                    String::new()
                } else {
                    format!(" (not covered: {})", lines.join(","))
                }
            ));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        outcomes.len() - failed.len(),
        failed.len()
    ));
    write_output(None, out.as_bytes())?;
    Ok(if failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}
