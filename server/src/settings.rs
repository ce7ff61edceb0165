//! Which configuration files are read, and the core sections typed and checked.

use anyhow::Context;
use app::plugins::PLUGINS;
use portico_config::{AppSection, BackendSection, Config, ConfigError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Top-level keys the core owns.
const CORE_KEYS: &[&str] = &["app", "backend", "organization"];

/// Top-level keys Backstage defines for features Portico does not have yet:
/// accepted with a warning, so an existing app-config.yaml loads unchanged.
const BACKSTAGE_KEYS: &[&str] = &[
    "proxy",
    "auth",
    "scaffolder",
    "catalog",
    "permission",
    "kubernetes",
    "lighthouse",
    "homepage",
    "costInsights",
    "sentry",
    "rollbar",
    "jenkins",
    "sonarqube",
    "pagerduty",
    "events",
    "signals",
    "notifications",
    "enableExperimentalRedirectFlow",
];

/// Everything start-up needs from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The merged configuration (plugins read their sections from it).
    pub config: Arc<Config>,
    /// `app.*`.
    pub app: AppSection,
    /// `backend.*`.
    pub backend: BackendSection,
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// Things worth telling the operator that do not stop start-up.
    pub warnings: Vec<String>,
    /// The folder relative paths in config are resolved against.
    pub base_dir: PathBuf,
}

impl Settings {
    /// Loads `explicit` files, or the default ones found in `cwd`.
    pub fn load(
        explicit: &[PathBuf],
        cwd: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let files: Vec<PathBuf> = if explicit.is_empty() {
            ["app-config.yaml", "app-config.local.yaml"]
                .iter()
                .map(|f| cwd.join(f))
                .filter(|p| p.is_file())
                .collect()
        } else {
            explicit.to_vec()
        };
        let config = Config::load_files(&files, env).map_err(hint)?;
        Self::from_config(config, files, cwd)
    }

    /// Types and checks an already loaded configuration.
    pub fn from_config(config: Config, files: Vec<PathBuf>, cwd: &Path) -> anyhow::Result<Self> {
        let mut warnings: Vec<String> = config
            .undefined_values()
            .iter()
            .map(|v| format!("config value left undefined: {v}"))
            .collect();
        let plugin_keys: Vec<&str> = PLUGINS.iter().map(|p| p.id).collect();
        for (key, at) in config.top_level_keys() {
            if CORE_KEYS.contains(&key.as_str()) || plugin_keys.contains(&key.as_str()) {
                continue;
            }
            if key == "auth" {
                // Only the guest provider's userEntityRef is read (the viewer,
                // until sign-in exists); say so rather than "ignored".
                warnings.push(format!(
                    "{at}: `auth`: Portico has no sign-in yet; only auth.providers.guest.userEntityRef is used (who \"me\" is)"
                ));
                continue;
            }
            if key == "integrations" {
                warnings.push(format!(
                    "{at}: `integrations`: only the github and gitlab hosts and tokens are used (by the catalog)"
                ));
                continue;
            }
            if BACKSTAGE_KEYS.contains(&key.as_str()) {
                warnings.push(format!(
                    "{at}: `{key}` is a Backstage section that Portico does not use yet; ignored"
                ));
                continue;
            }
            let mut known: Vec<&str> =
                CORE_KEYS.iter().copied().chain(plugin_keys.iter().copied()).collect();
            known.sort_unstable();
            anyhow::bail!("{at}: unknown top-level key `{key}` (known keys: {})", known.join(", "));
        }
        let app: AppSection = config.get_or_default("app").map_err(hint)?;
        let backend: BackendSection = config.get_or_default("backend").map_err(hint)?;
        for plugin in PLUGINS {
            if let Some(backend) = &plugin.backend {
                (backend.check_config)(&config, plugin.id).map_err(hint)?;
            }
        }
        for w in app.branding.contrast_warnings() {
            warnings.push(format!(
                "`{}` has contrast {:.2}:1 against {}; WCAG AA asks for {}:1",
                w.key, w.ratio, w.against, w.required
            ));
        }
        Ok(Self {
            config: Arc::new(config),
            app,
            backend,
            files,
            warnings,
            base_dir: cwd.to_owned(),
        })
    }

    /// The data directory: `backend.dataDir`, or `./data`.
    pub fn data_dir(&self) -> PathBuf {
        self.base_dir.join(self.backend.data_dir.as_deref().unwrap_or("data"))
    }

    /// The site facts the pages show.
    pub fn site(&self) -> app::SiteInfo {
        let b = &self.app.branding;
        app::SiteInfo {
            title: self.app.title().to_owned(),
            full_logo: b.full_logo.clone(),
            icon_logo: b.icon_logo.clone(),
            logo_width: b.full_logo_width.clone(),
            theme: Default::default(),
            sidebar_collapsed: false,
        }
    }

    /// A team's own theme file (`app.branding.themeCss`), read once.
    pub fn theme_css(&self) -> anyhow::Result<Option<String>> {
        let Some(path) = &self.app.branding.theme_css else { return Ok(None) };
        let path = self.base_dir.join(path);
        std::fs::read_to_string(&path)
            .map(Some)
            .with_context(|| format!("cannot read app.branding.themeCss file {}", path.display()))
    }
}

/// Adds the how-to-fix sentence to config errors.
fn hint(err: ConfigError) -> anyhow::Error {
    let fix = match &err {
        ConfigError::Read { .. } => "check the path given to --config",
        ConfigError::Syntax { .. } => "fix the YAML at that line",
        _ => "fix that key; `portico config check` re-checks without starting the server",
    };
    anyhow::anyhow!("{err} ({fix})")
}
