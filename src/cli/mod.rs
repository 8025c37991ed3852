//! The command line: parses arguments ([`args`]), runs one small handler per command, maps
//! the outcome to an exit code.
//!
//! Exit codes (stable, documented in the README):
//! - `0`: success (for `collect`: the inventory is complete);
//! - `1`: findings at or above `--fail-on` (`scan`);
//! - `2`: incomplete: some calls failed and the inventory lists them under `gaps`;
//! - `3`: usage error or a failure that stopped the command (bad flag, no credentials, I/O).

mod args;
mod collect;
mod drift;
mod fix;
mod init;
mod org;
mod org_args;
mod output;
mod policy;
mod scan;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::policy::PolicySet;

pub use args::*;
pub use org_args::*;
pub use scan::scan_exit_code;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the result is incomplete (collection gaps).
pub const EXIT_INCOMPLETE: u8 = 2;
/// Exit code: usage error or failure.
pub const EXIT_ERROR: u8 = 3;
/// `fix`: a change left what it touched worse (a rule that passed on it now fails).
pub const EXIT_BROKE: u8 = 4;

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
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Collect(args) if args.org.is_org() => org::collect(args),
        Command::Collect(args) => {
            args.org.check_single_account()?;
            collect::run(args)
        }
        Command::Merge(args) => org::merge(args),
        Command::Drift(args) => drift::run(args),
        Command::Schema { which } => {
            let text = match which {
                SchemaKind::Inventory => crate::inventory::json_schema(),
                SchemaKind::Report => crate::report::json_schema(),
                SchemaKind::OrgReport => crate::report::org::json_schema(),
            };
            write_output(None, text.as_bytes())?;
            Ok(EXIT_OK)
        }
        Command::Scan(args)
            if args.org.is_org() || args.inventory.as_ref().is_some_and(|p| p.is_dir()) =>
        {
            org::scan(args)
        }
        Command::Scan(args) => {
            args.org.check_single_account()?;
            scan::run(args)
        }
        Command::Diagram(args) => scan::diagram(args),
        Command::Diff(args) => {
            let d = crate::diff::diff_files(&args.old, &args.new)?;
            let text = match args.format {
                DiffFormat::Table => crate::diff::render_text(&d),
                DiffFormat::Markdown => crate::diff::render_markdown(&d),
                DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
            };
            write_output(args.output.as_deref(), text.as_bytes())?;
            Ok(if d.entries.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            })
        }
        Command::Init(args) => init::run(&args),
        Command::Spec(SpecCommand::Show { config }) => {
            let config = load_config(config.as_ref())?;
            print!("{}", config.annotated());
            Ok(EXIT_OK)
        }
        Command::Policy(PolicyCommand::List { policy, format }) => policy::list(&policy, format),
        Command::Policy(PolicyCommand::Test { policy, coverage }) => {
            policy::test(&policy, coverage)
        }
        Command::Policy(PolicyCommand::Lint { policy }) => policy::lint(&policy),
        Command::Fix(args) => fix::run(args),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The config: `--config`, else `./archaudit.toml` when present, else the built-in reference.
pub(crate) fn load_config(path: Option<&PathBuf>) -> anyhow::Result<Config> {
    let default = PathBuf::from("archaudit.toml");
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if default.is_file() => Ok(Config::load(&default)?),
        None => Ok(Config::default_config()),
    }
}

fn load_policies(args: &PolicyArgs) -> anyhow::Result<(Config, PolicySet)> {
    load_policies_for(args, args.config.as_ref())
}

/// [`load_policies`] with another archaudit.toml (an account's own, from an accounts file).
fn load_policies_for(
    args: &PolicyArgs,
    config: Option<&PathBuf>,
) -> anyhow::Result<(Config, PolicySet)> {
    let config = load_config(config)?;
    let mut set = PolicySet::load(!args.no_builtin, &args.policies)?;
    set.set_time_limit(std::time::Duration::from_secs(args.policy_time_limit));
    if set.policies().is_empty() {
        // A gate that checks nothing must not pass.
        anyhow::bail!(
            "no policies to evaluate: --no-builtin needs --policies DIR with at least one policy"
        );
    }
    for p in set.policies() {
        if let Some(bad) = p
            .meta
            .custom
            .expectation
            .iter()
            .find(|e| !Config::is_architecture_key(e))
        {
            let line = set
                .sources()
                .iter()
                .find(|s| s.path == p.path)
                .and_then(|s| {
                    s.text
                        .lines()
                        .position(|l| l.contains("expectation:") && l.contains(bad.as_str()))
                })
                .map_or(String::new(), |i| format!(":{}", i + 1));
            anyhow::bail!(
                "{}{line}: METADATA custom.expectation `{bad}` is not a key of [architecture] in the reference archaudit.toml (`archaudit init` writes it)",
                p.path
            );
        }
    }
    set.set_data(&config.architecture_json(), &config.params_json())?;
    Ok((config, set))
}

/// Writes to `path`, or to stdout when it is absent or `-`. A closed pipe (`| head`) is not
/// an error.
fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path.filter(|p| *p != Path::new("-")) {
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
