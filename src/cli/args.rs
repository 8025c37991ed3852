//! The command line's arguments (clap derive).
//!
//! Longer than 400 lines because it is the command line's reference: every command's flags with
//! their help text, one declaration each (runs over many accounts are in `org_args.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::finding::Severity;
use crate::inventory::Service;
use crate::report::Format;

use super::org_args::{MergeArgs, OrgArgs};

/// Audit a live AWS account against its documented architecture.
#[derive(Debug, Parser)]
#[command(name = "archaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
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
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to collect; repeat or comma-separate for several, `all` for every enabled region
    /// (default: for `scan`, `fix` and `diagram`, the regions of the spec's networks; otherwise
    /// AWS_REGION or the profile's region).
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint instead (an emulator such as moto).
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Client-side limit of API calls per second per service and region, for every service
    /// (0: no limit). Default: each service's own limit (see docs/performance.md).
    #[arg(long, value_name = "N")]
    pub max_rps: Option<f64>,
    /// Per-resource calls in flight per service and region (1–256).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub calls_in_flight: u16,
    /// A cap on API calls per second across every service, region and account of the run, on
    /// top of the per-service limits (0.1–100000; default: no cap).
    #[arg(long, value_name = "N")]
    pub max_rps_total: Option<f64>,
    /// Attempts per call, first try included (1–10), with jittered exponential backoff.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: u32,
    /// Deadline for the whole collection, in seconds (1–86400): what is not finished by then
    /// is recorded as a gap, and the report is still written.
    #[arg(long, default_value_t = 900, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
}

/// The documents `archaudit schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// The inventory (`collect`'s output, the policies' `input`).
    Inventory,
    /// The JSON report (`scan --format json`).
    Report,
    /// The JSON report of a run over many accounts (`scan --org --format json`, `merge`).
    OrgReport,
}

/// Output formats of `policy list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
    /// No finding fails the run (report-only runs).
    Never,
}

impl FailOn {
    /// The lowest failing severity; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
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
    /// Show the spec as archaudit reads it.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Print the Mermaid diagram of the architecture as found, drift marked.
    Diagram(DiagramArgs),
    /// What changed between two inventories or two JSON reports (exit 1 when something did).
    Diff(DiffArgs),
    /// Plan fixes for the drift and show them; with --apply, apply them and verify.
    Fix(FixArgs),
    /// Compare the live account with Terraform state: managed, unmanaged, missing, changed.
    Drift(DriftArgs),
    /// Combine the shard reports of one run (`scan --org --shard i/n`) into the run's report.
    Merge(MergeArgs),
    /// Print the JSON Schema of the inventory (default) or of the JSON report.
    Schema {
        /// Which document.
        #[arg(value_enum, default_value_t = SchemaKind::Inventory)]
        which: SchemaKind,
    },
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
    /// Stop a policy evaluation that runs longer than SECS (a runaway user policy) with an
    /// error naming it.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub policy_time_limit: u64,
}

/// `archaudit scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// AWS connection and collection settings (live scans).
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Scan this inventory (from `archaudit collect`) instead of the live account.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Policies and configuration.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format and files.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Last night's JSON report: mark findings new/unchanged, list resolved ones, and keep the
    /// findings of rules that could not re-check them tonight (carried over).
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// Terraform configuration (and state) declaring the resources: findings point at the
    /// block that declares their resource.
    #[arg(long, value_name = "DIR")]
    pub terraform: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is not waived (`never`: report only;
    /// an incomplete result still exits 2 unless --allow-incomplete).
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Do not exit 2 when collection had gaps or rules could not be evaluated.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Collect only these services (live scans).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<Service>,
    /// Many accounts: an organization, an accounts file, shards.
    #[command(flatten)]
    pub org: OrgArgs,
}

/// Where a report goes: one format on stdout (or `-o`), and any others to files.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the JSON report here (one collection, several outputs).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write SARIF here.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also write the Markdown summary here (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Also write JUnit XML here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// SARIF `runAutomationDetails.id` (the code-scanning category); default
    /// `archaudit/<account>/<regions>/` (many accounts: `<CATEGORY>/<account>/<regions>/`).
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// Many accounts: also write one SARIF file per account, DIR/<account>.sarif (GitHub takes
    /// 20 runs per file).
    #[arg(long, value_name = "DIR")]
    pub sarif_dir: Option<PathBuf>,
}

/// `archaudit drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// AWS connection and collection settings (live).
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Terraform state (format 4): a file, a glob (`infra/**/*.tfstate`, quoted) or
    /// `s3://bucket/key`; repeatable. Default: every `*.tfstate` object in the state bucket
    /// that archaudit.toml describes ([architecture.state_bucket]).
    #[arg(long = "tfstate", value_name = "PATH_OR_URL")]
    pub tfstate: Vec<String>,
    /// Compare this inventory (from `archaudit collect`) instead of the live account.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Patterns of resources to leave out (`KIND:ID` globs; default: ./.driftignore if present).
    #[arg(long, value_name = "FILE")]
    pub driftignore: Option<PathBuf>,
    /// Report AWS defaults (default VPC and its subnets, main route tables, `default` security
    /// groups, service-linked roles, AWS-managed policies, target-tracking alarms) as unmanaged.
    #[arg(long)]
    pub include_defaults: bool,
    /// Report only drift of managed resources (missing, changed).
    #[arg(long, conflicts_with = "only_unmanaged")]
    pub only_managed: bool,
    /// Report only unmanaged resources.
    #[arg(long)]
    pub only_unmanaged: bool,
    /// Terraform configuration declaring the resources: findings point at their block.
    #[arg(long, value_name = "DIR")]
    pub terraform: Option<PathBuf>,
    /// The architecture spec, for the default state bucket (default: ./archaudit.toml if
    /// present, else the built-in reference).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format and files.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Exit 1 when drift at or above this severity is found (missing and changed resources
    /// are high, unmanaged ones medium; `never`: report only).
    #[arg(long, value_enum, default_value_t = FailOn::Medium, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Do not exit 2 when a listing could not be read completely.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Collect only these services (live).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<Service>,
}

/// `archaudit fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// AWS connection and collection settings.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Policies and configuration.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Plan from this inventory instead of the live account (dry run only).
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Take the findings from this JSON report instead of scanning.
    #[arg(long, value_name = "REPORT")]
    pub report: Option<PathBuf>,
    /// Only findings of this policy (repeatable).
    #[arg(long = "policy", value_name = "ID")]
    pub only_policies: Vec<String>,
    /// Only this finding, by fingerprint or a prefix of it (repeatable).
    #[arg(long = "finding", value_name = "FINGERPRINT")]
    pub findings: Vec<String>,
    /// Only findings at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub severity: Option<Severity>,
    /// Save the plan (JSON, docs/fix.md) to FILE.
    #[arg(long, value_name = "FILE")]
    pub plan_out: Option<PathBuf>,
    /// Apply this saved plan (with --apply). It is a request, not a program: refused, before
    /// any change, unless every entry is what archaudit plans for the account now (same
    /// resources, actions and parameters) and no planned resource changed since (docs/fix.md).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// The digest `--plan-out` printed for the plan that was reviewed: --plan is refused
    /// unless the file still has it.
    #[arg(long, value_name = "SHA256", requires = "plan")]
    pub plan_digest: Option<String>,
    /// Make the changes (default: show the plan only).
    #[arg(long)]
    pub apply: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Print the plan and results as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `archaudit diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// AWS connection and collection settings (live).
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Draw this inventory instead of the live account.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Policies and configuration.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Write the diagram here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text.
    Table,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}

/// `archaudit diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older inventory or report.
    pub old: PathBuf,
    /// The newer one (same kind).
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Write the spec of the deployment an inventory (`archaudit collect`) describes, instead
    /// of the reference architecture.
    #[arg(long, value_name = "FILE", conflicts_with = "live")]
    pub from_inventory: Option<PathBuf>,
    /// Write the spec of the live account's deployment (collected with the AWS options).
    #[arg(long)]
    pub live: bool,
    /// AWS connection and collection settings (with --live).
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// `archaudit spec …`.
#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// Print the spec with its overlays merged, each value followed by the file and line that
    /// set it.
    Show {
        /// The archaudit.toml (default: ./archaudit.toml when present, else the built-in
        /// reference).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
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
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
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
    /// Check the policies' style (Regal's and `opa fmt`'s rules that apply; docs/policies.md):
    /// exit 1 when a rule is broken.
    Lint {
        /// Policies and configuration.
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

/// `archaudit collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// AWS connection and collection settings.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Write the inventory here instead of stdout (many accounts: the directory of their
    /// inventories, DIR/<account>.json).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Collect only these services (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub services: Vec<Service>,
    /// Many accounts: an organization, an accounts file, shards.
    #[command(flatten)]
    pub org: OrgArgs,
}
