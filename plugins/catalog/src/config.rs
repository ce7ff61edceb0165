//! The catalog's typed section of `app-config.yaml` (top-level key `catalog`),
//! in Backstage's key structure so existing configs carry over.
//!
//! Backstage keys Portico accepts but does not act on yet (`providers`,
//! `stitchingStrategy`, `import`, …) are listed explicitly so they load;
//! anything else is an error with its file and line.

use serde::Deserialize;

/// `catalog.*`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Locations read at start-up and on every refresh.
    #[serde(default)]
    pub locations: Vec<ConfigLocation>,
    /// Which kinds any location may contribute. Default: Component, API, Location.
    #[serde(default)]
    pub rules: Option<Vec<Rule>>,
    /// How often every location is read again. `false` turns periodic refresh off.
    #[serde(default)]
    pub processing_interval: Option<Interval>,
    /// What happens to entities no location emits any more.
    #[serde(default)]
    pub orphan_strategy: OrphanStrategy,
    /// Refuse to register or delete locations through the API.
    #[serde(default)]
    pub readonly: bool,
    /// Location types the API and the import page may register. Default `[url]`:
    /// a `file` location from any caller would let them read the server's files.
    #[serde(default = "default_registrable")]
    pub registrable_location_types: Vec<String>,
    /// Git repositories whose descriptor files are registered (discovery).
    #[serde(default)]
    pub git_discovery: Vec<GitDiscovery>,
    /// Accepted for Backstage compatibility; not acted on yet.
    #[serde(default)]
    pub providers: Option<serde_json::Value>,
    /// Accepted for Backstage compatibility; stitching is always immediate.
    #[serde(default)]
    pub stitching_strategy: Option<serde_json::Value>,
    /// Accepted for Backstage compatibility.
    #[serde(default)]
    pub import: Option<serde_json::Value>,
    /// Accepted for Backstage compatibility.
    #[serde(default)]
    pub disable_relations_compatibility: Option<bool>,
}

fn default_registrable() -> Vec<String> {
    vec!["url".to_owned()]
}

/// One entry of `catalog.locations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLocation {
    /// `file` or `url`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A path (relative to the working directory; globs allowed) or a URL.
    pub target: String,
    /// Extra kinds this location may contribute, added to the global rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// `allow: [Component, API]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Kind names, compared case-insensitively.
    pub allow: Vec<String>,
}

/// A HumanDuration (`{minutes: 30}`) or `false`.
#[derive(Debug, Clone)]
pub enum Interval {
    /// `false`: no periodic refresh.
    Off(bool),
    /// A duration.
    Every(HumanDuration),
}

// Hand-written: YAML scalars reach serde as strings, which an untagged enum
// cannot tell apart from booleans, and buffered maps lose number parsing.
impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Interval;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("false or a duration such as {minutes: 30}")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Interval, E> {
                if b {
                    Err(E::custom("expected false or a duration such as {minutes: 30}"))
                } else {
                    Ok(Interval::Off(false))
                }
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Interval, E> {
                match s {
                    "false" => Ok(Interval::Off(false)),
                    _ => Err(E::custom(format!(
                        "expected false or a duration such as {{minutes: 30}}, found {s:?}"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Interval, A::Error> {
                HumanDuration::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Interval::Every)
            }
        }
        d.deserialize_any(V)
    }
}

/// Backstage's HumanDuration.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HumanDuration {
    /// Hours.
    #[serde(default)]
    pub hours: u64,
    /// Minutes.
    #[serde(default)]
    pub minutes: u64,
    /// Seconds.
    #[serde(default)]
    pub seconds: u64,
    /// Milliseconds.
    #[serde(default)]
    pub milliseconds: u64,
}

impl HumanDuration {
    /// As a standard duration.
    pub fn to_duration(self) -> std::time::Duration {
        // Saturating: a config's huge number means "practically never", not a panic.
        let minutes = self.minutes.saturating_add(self.hours.saturating_mul(60));
        let seconds = self.seconds.saturating_add(minutes.saturating_mul(60));
        // Capped at a year, so `Instant::now() + d` (a sleep's deadline) cannot overflow.
        const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;
        std::time::Duration::from_millis(
            self.milliseconds.saturating_add(seconds.saturating_mul(1000)).min(YEAR_MS),
        )
    }
}

/// `catalog.orphanStrategy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrphanStrategy {
    /// Keep orphans, annotated `backstage.io/orphan: "true"` (Backstage's default).
    #[default]
    Keep,
    /// Delete orphans.
    Delete,
}

/// A git repository whose descriptor files are registered (`catalog.gitDiscovery[]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GitDiscovery {
    /// `https://…` or `file://…`.
    pub url: String,
    /// The branch to read.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Which files to register.
    #[serde(default = "default_catalog_glob")]
    pub glob: String,
    /// How often the remote is fetched (Backstage's provider `schedule`);
    /// without one, on every processing round. The exported files are read
    /// every round either way, and `POST /refresh` fetches at once.
    #[serde(default)]
    pub schedule: Option<GitSchedule>,
    /// A PEM file of certificate authorities to trust for this remote, on top
    /// of the system's (an internal server with its own CA).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
}

/// When a git remote is fetched (`gitDiscovery[].schedule`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GitSchedule {
    /// The time between two fetches.
    pub frequency: HumanDuration,
}

fn default_branch() -> String {
    "main".to_owned()
}

fn default_catalog_glob() -> String {
    "**/catalog-info.yaml".to_owned()
}

impl Config {
    /// The periodic refresh interval; `None` when turned off. Default two minutes
    /// (Backstage picks 100–150 s at random).
    pub fn interval(&self) -> Option<std::time::Duration> {
        match &self.processing_interval {
            None => Some(std::time::Duration::from_secs(120)),
            Some(Interval::Off(_)) => None,
            Some(Interval::Every(d)) => {
                Some(d.to_duration().max(std::time::Duration::from_secs(1)))
            }
        }
    }

    /// Kinds allowed everywhere (lower-case).
    pub fn allowed_kinds(&self) -> Vec<String> {
        match &self.rules {
            None => vec!["component".into(), "api".into(), "location".into()],
            Some(rules) => {
                rules.iter().flat_map(|r| r.allow.iter().map(|k| k.to_lowercase())).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_add_up_and_huge_ones_are_capped_not_a_panic() {
        let d = |hours, minutes, seconds, milliseconds| {
            HumanDuration { hours, minutes, seconds, milliseconds }.to_duration()
        };
        assert_eq!(d(1, 2, 3, 4), std::time::Duration::from_millis(3_723_004));
        assert_eq!(d(0, 0, 0, 0), std::time::Duration::ZERO);
        let year = std::time::Duration::from_secs(365 * 24 * 3600);
        assert_eq!(d(u64::MAX, u64::MAX, u64::MAX, u64::MAX), year);
        assert_eq!(d(0, 0, 0, u64::MAX), year);
        assert!(std::time::Instant::now().checked_add(year).is_some());
    }

    #[test]
    fn git_discovery_entries_take_a_schedule_and_a_ca_file() {
        let entry: GitDiscovery = serde_json::from_value(serde_json::json!({
            "url": "https://git.example.com/r.git",
            "schedule": { "frequency": { "minutes": 30 } },
            "caFile": "/etc/ca.pem",
        }))
        .expect("entry");
        assert_eq!(entry.branch, "main");
        let frequency = entry.schedule.map(|s| s.frequency.to_duration());
        assert_eq!(frequency, Some(std::time::Duration::from_secs(1800)));
        assert_eq!(entry.ca_file.as_deref(), Some(std::path::Path::new("/etc/ca.pem")));
        let unknown =
            serde_json::json!({ "url": "u", "schedule": { "frequency": {}, "timeout": {} } });
        let error = serde_json::from_value::<GitDiscovery>(unknown).expect_err("unknown field");
        assert!(error.to_string().contains("timeout"), "{error}");
    }
}
