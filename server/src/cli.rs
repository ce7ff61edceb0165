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
    /// Build TechDocs sites (mkdocs.yml and a docs folder), natively.
    #[command(subcommand)]
    Techdocs(TechdocsCommand),
}

/// `portico techdocs ...`.
#[derive(Debug, Subcommand)]
pub enum TechdocsCommand {
    /// Build the site in DIR (which holds mkdocs.yml) into --output. Problems are printed
    /// with file and line; with any error nothing is written and the exit code is non-zero.
    Build {
        /// The repository or folder with mkdocs.yml; nothing outside it is read.
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// Where the site goes (replaced as a whole once the build succeeds).
        #[arg(long, short, default_value = "site", value_name = "DIR")]
        output: PathBuf,
        /// Broken links, missing anchors and images, and images without alt text are errors.
        #[arg(long)]
        strict: bool,
        /// The source's version for techdocs_metadata.json (a commit SHA); default: a hash of the sources.
        #[arg(long)]
        etag: Option<String>,
    },
    /// Preview the site in DIR in the portal's own reader, rebuilding on every save; the
    /// open page reloads itself. Served on loopback as the entity default/component/local.
    Serve {
        /// The repository or folder with mkdocs.yml.
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// The port (Backstage's techdocs-cli uses 3000 too).
        #[arg(long, short, default_value_t = 3000)]
        port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
    },
    /// Publish a built site for an entity to the local publisher's folder, where the portal reads it.
    Publish {
        /// The entity: `<namespace>/<kind>/<name>`, as Backstage's techdocs-cli takes it.
        #[arg(long, value_name = "NAMESPACE/KIND/NAME")]
        entity: String,
        /// The built site.
        #[arg(default_value = "site", value_name = "DIR")]
        dir: PathBuf,
        /// Publish to this folder. Default: the config's `techdocs.publisher` (a folder,
        /// or an S3, GCS or Azure bucket), else `<backend.dataDir>/plugins/techdocs/static/docs`.
        #[arg(long, value_name = "DIR")]
        publish_directory: Option<PathBuf>,
    },
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
        Command::Techdocs(TechdocsCommand::Build { dir, output, strict, etag }) => {
            let options = portico_techdocs::BuildOptions { strict, allow_env: true, etag };
            let summary = crate::techdocs_cli::build(
                &cwd.join(dir),
                &cwd.join(output),
                &options,
                &mut std::io::stdout(),
            )?;
            if summary.errors > 0 {
                anyhow::bail!("{} error(s); the site was not written", summary.errors);
            }
            Ok(())
        }
        Command::Techdocs(TechdocsCommand::Serve { dir, port, host }) => {
            let options = crate::techdocs_serve::Options {
                dir: cwd.join(dir),
                host,
                port,
                config: cli.config,
            };
            crate::techdocs_serve::run(&options)
        }
        Command::Techdocs(TechdocsCommand::Publish { entity, dir, publish_directory }) => {
            use portico_techdocs_storage::{Publisher, Storage};
            let storage = match publish_directory {
                Some(dir) => Storage::open(&Publisher::default(), &cwd.join(dir), false)?,
                None => {
                    let settings = Settings::load(&cli.config, &cwd, &env)?;
                    let publisher: Publisher =
                        settings.config.get_or_default("techdocs.publisher")?;
                    let case_sensitive: bool = settings
                        .config
                        .get_or_default("techdocs.legacyUseCaseSensitiveTripletPaths")?;
                    let folder = settings.data_dir().join("plugins/techdocs/static/docs");
                    Storage::open(&publisher, &folder, case_sensitive)?
                }
            };
            crate::techdocs_cli::publish(
                &cwd.join(dir),
                &entity,
                &storage,
                &mut std::io::stdout(),
            )?;
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
