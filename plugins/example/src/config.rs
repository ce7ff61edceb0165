//! The plugin's typed section of `app-config.yaml` (top-level key `example`).

use serde::Deserialize;

/// `example.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Shown at the top of the example page.
    #[serde(default = "default_greeting")]
    pub greeting: String,
}

impl Default for Config {
    fn default() -> Self {
        Self { greeting: default_greeting() }
    }
}

fn default_greeting() -> String {
    "Hello from the example plugin.".into()
}
