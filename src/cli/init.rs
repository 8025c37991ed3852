//! `archaudit init`.

use super::{InitArgs, EXIT_OK};

pub(super) fn run(args: &InitArgs) -> anyhow::Result<u8> {
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
