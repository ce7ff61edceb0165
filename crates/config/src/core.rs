//! The sections Portico's core owns: `app` and `backend`.
//!
//! Keys Backstage defines but Portico does not use yet are accepted and ignored
//! (`IgnoredAny`), so an existing `app-config.yaml` loads unchanged; anything
//! else is an unknown key and an error.

use crate::branding::Branding;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// `app.*`: what the browser-facing app is called and how it looks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppSection {
    /// Shown in the sidebar, the header and the browser tab.
    pub title: Option<String>,
    /// Where users reach the portal; informational for now.
    pub base_url: Option<String>,
    /// Logos, colours and tokens (Red Hat Developer Hub's key shape).
    #[serde(default)]
    pub branding: Branding,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    support: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    extensions: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    packages: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    listen: Option<IgnoredAny>,
}

impl AppSection {
    /// The title, with Portico's default.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("Portico")
    }
}

/// `backend.*`: where the server listens and what it stores data in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct BackendSection {
    /// The externally reachable URL of the backend.
    pub base_url: Option<String>,
    /// The socket to listen on.
    #[serde(default)]
    pub listen: ListenSection,
    /// The database.
    #[serde(default)]
    pub database: DatabaseSection,
    /// Where Portico keeps its files (the SQLite database among them). Portico's own key.
    pub data_dir: Option<String>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    csp: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    cors: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    cache: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    reading: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    auth: Option<IgnoredAny>,
}

/// `backend.listen`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListenSection {
    /// TCP port; 7007 as in Backstage.
    #[serde(default = "default_port")]
    pub port: u16,
    /// Interface to bind; every interface by default.
    #[serde(default = "default_host")]
    pub host: String,
}

impl Default for ListenSection {
    fn default() -> Self {
        Self { port: default_port(), host: default_host() }
    }
}

fn default_port() -> u16 {
    7007
}

fn default_host() -> String {
    "0.0.0.0".into()
}

/// `backend.database`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct DatabaseSection {
    /// `sqlite` (also Backstage's `better-sqlite3`) or `pg`.
    #[serde(default)]
    pub client: DatabaseClient,
    /// SQLite: a file path, `:memory:`, or `{directory: ...}`. PostgreSQL: a URL or `{host, port, user, password, database}`.
    pub connection: Option<Connection>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    prefix: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    plugin_division_mode: Option<IgnoredAny>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    ensure_exists: Option<IgnoredAny>,
}

/// Which database server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub enum DatabaseClient {
    /// Embedded SQLite, the default.
    #[default]
    #[serde(rename = "sqlite", alias = "better-sqlite3", alias = "sqlite3")]
    Sqlite,
    /// PostgreSQL.
    #[serde(rename = "pg", alias = "postgres", alias = "postgresql")]
    Postgres,
}

/// `backend.database.connection` in any of Backstage's shapes.
#[derive(Debug, Clone)]
pub enum Connection {
    /// A URL, a file path or `:memory:`.
    Url(String),
    /// Connection parameters.
    Params(ConnectionParams),
}

/// `backend.database.connection` as separate parameters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConnectionParams {
    /// SQLite: the folder that holds the database file.
    pub directory: Option<String>,
    /// PostgreSQL host.
    pub host: Option<String>,
    /// PostgreSQL port.
    pub port: Option<u16>,
    /// PostgreSQL user.
    pub user: Option<String>,
    /// PostgreSQL password.
    pub password: Option<String>,
    /// PostgreSQL database name.
    pub database: Option<String>,
    #[allow(dead_code, reason = "a Backstage key, accepted and not used yet")]
    #[serde(default)]
    ssl: Option<IgnoredAny>,
}

// Hand-written rather than `#[serde(untagged)]`: untagged enums buffer scalars as
// strings, which would turn `port: 5432` into a type error.
impl<'de> Deserialize<'de> for Connection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Connection;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a connection string, a file path, or a mapping of connection parameters",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Connection, E> {
                Ok(Connection::Url(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Connection, A::Error> {
                ConnectionParams::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Connection::Params)
            }
        }
        d.deserialize_any(Visitor)
    }
}
