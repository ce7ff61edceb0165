//! The plugin's typed section of `app-config.yaml`: Backstage's `search` keys.

use serde::Deserialize;

/// `search.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// The largest `pageLimit` a query may ask for (Backstage's default, 100).
    #[serde(default = "default_max_page_limit")]
    pub max_page_limit: usize,
    /// The longest term accepted, in characters (Backstage's default, 100).
    #[serde(default = "default_max_term_length")]
    pub max_term_length: usize,
    /// Backstage's collator schedules: accepted and ignored, as Portico's index
    /// follows changes as they happen.
    #[serde(default)]
    pub collators: Option<serde_json::Value>,
    /// Backstage's engine settings (`pg`, `elasticsearch`): accepted and
    /// ignored; Portico's engine is embedded.
    #[serde(default)]
    pub pg: Option<serde_json::Value>,
    #[serde(default)]
    pub elasticsearch: Option<serde_json::Value>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_page_limit: default_max_page_limit(),
            max_term_length: default_max_term_length(),
            collators: None,
            pg: None,
            elasticsearch: None,
        }
    }
}

fn default_max_page_limit() -> usize {
    100
}

fn default_max_term_length() -> usize {
    100
}
