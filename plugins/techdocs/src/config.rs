//! The plugin's typed section of `app-config.yaml`: Backstage's `techdocs` keys.

use serde::Deserialize;

/// `techdocs.*`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// `local`: the portal builds an entity's docs when they are first read
    /// and again when their sources change (see `crate::builder`);
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
    /// Portico's own key, for `builder: local`: at most how often (seconds) a
    /// view of an entity's docs looks for changed sources. Default 60.
    #[serde(default)]
    pub rebuild_check_seconds: Option<u64>,
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
