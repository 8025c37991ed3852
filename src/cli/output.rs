//! Writing a report in the formats asked for: one on stdout (or `-o`), others to files.
//! Shared by `scan` and `drift`, which build the same report model.

use std::path::PathBuf;

use super::{color_enabled, write_output, FailOn, OutputArgs};
use crate::report::org::OrgReport;
use crate::report::{self, Format, Report};

impl OutputArgs {
    /// Whether any output is Markdown (the diagram is drawn only then).
    pub(super) fn wants_markdown(&self) -> bool {
        self.format == Format::Markdown || self.markdown.is_some()
    }

    /// Renders `report` in `format`.
    fn render(
        &self,
        report: &Report,
        format: Format,
        diagram: Option<&str>,
        to_terminal: bool,
    ) -> anyhow::Result<Vec<u8>> {
        let mut buf = Vec::new();
        match format {
            Format::Json => report::write_json(report, &mut buf)?,
            Format::Sarif => {
                let options = report::sarif::SarifOptions {
                    category: self.sarif_category.clone(),
                };
                report::sarif::write(report, &options, &mut buf)?;
            }
            Format::Markdown => buf = report::markdown::render(report, diagram).into_bytes(),
            Format::Junit => buf = report::junit::render(report).into_bytes(),
            Format::Table => {
                let color = to_terminal && color_enabled();
                let width = if to_terminal {
                    report::table::terminal_width()
                } else {
                    None
                };
                buf = report::table::render(report, color, width).into_bytes();
            }
        }
        Ok(buf)
    }

    /// Writes every output asked for: the extra files first, then the main one, each rendered
    /// by `render(format, to_terminal)`.
    fn write_with(
        &self,
        render: impl Fn(Format, bool) -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<()> {
        let extra: [(Format, &Option<PathBuf>); 4] = [
            (Format::Json, &self.json),
            (Format::Sarif, &self.sarif),
            (Format::Markdown, &self.markdown),
            (Format::Junit, &self.junit),
        ];
        for (format, path) in extra {
            if let Some(path) = path {
                write_output(Some(path), &render(format, false)?)?;
            }
        }
        write_output(
            self.output.as_deref(),
            &render(self.format, self.output.is_none())?,
        )
    }

    /// Writes every output asked for of one account's report (`--sarif-dir`: its SARIF as
    /// `DIR/<account>.sarif`, as a run over many accounts writes each).
    pub(super) fn write(&self, report: &Report, diagram: Option<&str>) -> anyhow::Result<()> {
        if let Some(dir) = &self.sarif_dir {
            let path = dir.join(format!("{}.sarif", report.account_id));
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
            write_output(
                Some(&path),
                &self.render(report, Format::Sarif, diagram, false)?,
            )?;
        }
        self.write_with(|format, terminal| self.render(report, format, diagram, terminal))
    }

    /// Renders a run over many accounts in `format`.
    fn render_org(
        &self,
        org: &OrgReport,
        format: Format,
        to_terminal: bool,
    ) -> anyhow::Result<Vec<u8>> {
        let mut buf = Vec::new();
        match format {
            Format::Json => org.write_json(&mut buf)?,
            Format::Sarif => {
                let options = report::sarif::SarifOptions {
                    category: self.sarif_category.clone(),
                };
                report::sarif::org::write(org, &options, &mut buf)?;
            }
            Format::Markdown => buf = report::markdown::render_org(org).into_bytes(),
            Format::Junit => buf = report::junit::render_org(org).into_bytes(),
            Format::Table => {
                let color = to_terminal && color_enabled();
                let width = to_terminal.then(report::table::terminal_width).flatten();
                buf = report::table::render_org(org, color, width).into_bytes();
            }
        }
        Ok(buf)
    }

    /// Writes every output asked for, of a run over many accounts (and `--sarif-dir`).
    pub(super) fn write_org(&self, org: &OrgReport) -> anyhow::Result<()> {
        if let Some(dir) = &self.sarif_dir {
            let options = report::sarif::SarifOptions {
                category: self.sarif_category.clone(),
            };
            report::sarif::org::write_dir(org, &options, dir)
                .map_err(|e| anyhow::anyhow!("cannot write SARIF to {}: {e}", dir.display()))?;
        }
        self.write_with(|format, terminal| self.render_org(org, format, terminal))
    }

    /// When the main output is something other than a table on the terminal, one line on
    /// stderr: findings at or above the threshold, rules not evaluated, gaps (after `prefix`).
    pub(super) fn summarize(&self, report: &Report, fail_on: FailOn, prefix: &str) {
        if self.output.is_none() && self.format == Format::Table {
            return;
        }
        let threshold = fail_on.threshold();
        eprintln!(
            "archaudit: {prefix}{} finding(s) at or above {}; {} rule(s) not evaluated; {} gap(s).",
            threshold.map_or(0, |t| report.summary.at_or_above(t)),
            threshold.map_or("never (report only)", |t| t.as_str()),
            report.summary.not_evaluated,
            report.summary.gaps
        );
    }
}
