//! The command line. `portico --help` lists every sub-command; later capabilities add theirs here.

use crate::settings::Settings;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Portico: a developer portal in one binary.
#[derive(Debug, Parser)]
#[command(name = "portico", version, about, long_about = None)]
pub struct Cli {
    /// Config files, later ones overriding earlier ones. Default: app-config.yaml and
    /// app-config.local.yaml in the working directory, when present.
    #[arg(long = "config", short = 'c', global = true, value_name = "FILE")]
    pub config: Vec<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the portal (default address http://localhost:7007).
    Serve,
    /// Work with configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Work with catalog descriptor files, offline.
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

/// `portico catalog ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Validate descriptor files (catalog-info.yaml): every problem, with file, line and
    /// column. Exits non-zero when any file has an error, for CI and pre-commit hooks.
    Validate {
        /// Files or glob patterns (quote globs: 'services/**/catalog-info.yaml').
        #[arg(required = true, value_name = "FILE|GLOB")]
        paths: Vec<String>,
    },
    /// Print a JSON Schema for catalog-info.yaml, for editors (yaml-language-server).
    Schema,
}

/// `portico config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and validate the configuration (every plugin's section too), then print a summary.
    Check,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let env = |name: &str| std::env::var(name).ok();
    match cli.command {
        Command::Serve => {
            let settings = Settings::load(&cli.config, &cwd, &env)?;
            crate::serve::init_tracing();
            // Page rendering recurses deeply in debug builds; 8 MiB of (virtual,
            // untouched unless used) stack per worker keeps `cargo run` safe.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_stack_size(8 * 1024 * 1024)
                .build()?;
            runtime.block_on(crate::serve::serve(settings))
        }
        Command::Catalog(CatalogCommand::Validate { paths }) => {
            let summary = crate::catalog_cli::validate(&paths, &cwd, &mut std::io::stdout())?;
            if summary.errors > 0 {
                anyhow::bail!(
                    "{} error(s) in {} of {} file(s)",
                    summary.errors,
                    summary.failed_files,
                    summary.files
                );
            }
            Ok(())
        }
        Command::Catalog(CatalogCommand::Schema) => {
            let schema = portico_catalog_model::schema::catalog_info_schema();
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            let settings = Settings::load(&cli.config, &cwd, &env)?;
            for warning in &settings.warnings {
                println!("warning: {warning}");
            }
            let files: Vec<String> =
                settings.files.iter().map(|f| f.display().to_string()).collect();
            println!(
                "ok: {} (listen {}:{}, database {:?})",
                if files.is_empty() { "built-in defaults".to_owned() } else { files.join(", ") },
                settings.backend.listen.host,
                settings.backend.listen.port,
                settings.backend.database.client
            );
            Ok(())
        }
    }
}
