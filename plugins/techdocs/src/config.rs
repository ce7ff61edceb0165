//! The plugin's typed section of `app-config.yaml`: Backstage's `techdocs` keys.

use serde::Deserialize;

/// `techdocs.*`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// `local`: the portal builds docs itself (not yet: it reads storage, as `external`);
    /// `external`: CI publishes with `portico techdocs publish`, the portal only reads.
    #[serde(default)]
    pub builder: BuilderMode,
    /// Where sites are published: a folder, or an S3, GCS or Azure bucket.
    #[serde(default)]
    pub publisher: portico_techdocs_storage::Publisher,
    /// Backstage's MkDocs generator settings (`runIn`, `dockerImage`, …): Portico builds natively, so they are read and ignored.
    #[serde(default)]
    pub generator: Option<serde_json::Value>,
    /// Backstage's cache settings: accepted and ignored.
    #[serde(default)]
    pub cache: Option<serde_json::Value>,
    /// Portico's own key: reload a page open in the reader as soon as its
    /// site is published again (`portico techdocs serve` turns it on). Off, the
    /// reader says a newer version is available and offers to reload.
    #[serde(default)]
    pub live_reload: bool,
    /// Read sites from `<Namespace>/<Kind>/<name>` as written, instead of lower-cased.
    #[serde(default)]
    pub legacy_use_case_sensitive_triplet_paths: bool,
}

/// `techdocs.builder`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuilderMode {
    #[default]
    Local,
    External,
}
