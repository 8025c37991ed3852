//! Writing a report in the formats asked for: one on stdout (or `-o`), others to files.
//! Shared by `scan` and `drift`, which build the same report model.

use std::path::PathBuf;

use super::{color_enabled, write_output, FailOn, OutputArgs};
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

    /// Writes every output asked for: the extra files first, then the main one.
    pub(super) fn write(&self, report: &Report, diagram: Option<&str>) -> anyhow::Result<()> {
        let extra: [(Format, &Option<PathBuf>); 4] = [
            (Format::Json, &self.json),
            (Format::Sarif, &self.sarif),
            (Format::Markdown, &self.markdown),
            (Format::Junit, &self.junit),
        ];
        for (format, path) in extra {
            if let Some(path) = path {
                write_output(Some(path), &self.render(report, format, diagram, false)?)?;
            }
        }
        write_output(
            self.output.as_deref(),
            &self.render(report, self.format, diagram, self.output.is_none())?,
        )
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
