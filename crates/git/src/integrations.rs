//! Credentials for source hosts, read from Backstage's root `integrations`
//! section: `github` and `gitlab` entries with a `host` and a `token` (other
//! fields of those entries, such as `apiBaseUrl`, are accepted and unused),
//! and Portico's own `caFile`: certificates (PEM) to trust for that host
//! besides the system's, for a self-hosted server with a private CA.
//! Git discovery and TechDocs fetch private repositories with them, and `url`
//! locations read private files; a configured host is also readable without a
//! `backend.reading.allow` entry, as in Backstage ([`Integrations::readable`]).
//!
//! A token goes only to its own host, over the request's authentication
//! (never in a URL, so no error message or log line can carry it), and its
//! `Debug` form is redacted.

use serde::Deserialize;

/// `integrations`, as far as Portico uses it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Integrations {
    #[serde(default)]
    github: Vec<HostEntry>,
    #[serde(default)]
    gitlab: Vec<HostEntry>,
}

/// One `integrations.<provider>[]` entry.
#[derive(Clone, Deserialize)]
struct HostEntry {
    host: String,
    #[serde(default)]
    token: Option<String>,
    #[serde(default, rename = "caFile")]
    ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for HostEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = self.token.as_ref().map(|_| "<redacted>");
        f.debug_struct("HostEntry")
            .field("host", &self.host)
            .field("token", &token)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// Which kind of host a credential is for: each spells its token differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    GitHub,
    GitLab,
}

/// A token for one host.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub provider: Provider,
    token: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("provider", &self.provider).finish_non_exhaustive()
    }
}

impl Credential {
    /// User name and password for git over HTTP(S), as each host documents
    /// them for access tokens.
    pub fn git_account(&self) -> (&'static str, &str) {
        match self.provider {
            Provider::GitHub => ("x-access-token", &self.token),
            Provider::GitLab => ("oauth2", &self.token),
        }
    }

    /// The `Authorization` header value for reading a file over HTTP(S).
    pub fn authorization(&self) -> String {
        match self.provider {
            Provider::GitHub => format!("token {}", self.token),
            Provider::GitLab => format!("Bearer {}", self.token),
        }
    }
}

impl Integrations {
    /// The credential configured for `host` (`name` or `name:port`, as the URL
    /// spells it; compared without case). Entries without a token give none.
    pub fn credential(&self, host: &str) -> Option<Credential> {
        let providers = [(Provider::GitHub, &self.github), (Provider::GitLab, &self.gitlab)];
        providers.into_iter().find_map(|(provider, entries)| {
            let entry = entries.iter().find(|e| e.host.eq_ignore_ascii_case(host))?;
            let token = entry.token.clone().filter(|t| !t.trim().is_empty())?;
            Some(Credential { provider, token })
        })
    }

    /// The `caFile` configured for `host`, if any.
    pub fn ca_file(&self, host: &str) -> Option<&std::path::Path> {
        let entry = self.entry(host)?;
        entry.ca_file.as_deref()
    }

    fn entry(&self, host: &str) -> Option<&HostEntry> {
        self.github.iter().chain(&self.gitlab).find(|e| e.host.eq_ignore_ascii_case(host))
    }

    /// The credential for reading `url`: its host's, over https only (as git
    /// itself does), so a token never crosses the network in clear.
    pub fn credential_for(&self, url: &url::Url) -> Option<Credential> {
        (url.scheme() == "https").then(|| self.credential(&host_of(url)?))?
    }

    /// Every configured host (readable as if in `backend.reading.allow`).
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.github.iter().chain(&self.gitlab).map(|e| e.host.as_str())
    }

    /// Whether URLs on `host` may be read: a host of `backend.reading.allow`
    /// (`allow`) or of an integration. Everything else is refused, so an
    /// entity's author cannot make the server fetch from its private network.
    pub fn readable(&self, host: &str, allow: &[String]) -> bool {
        host_allowed(host, allow) || self.hosts().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// `backend.reading.allow`: its entries' hosts (`{host: example.com}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "Vec<AllowEntry>")]
pub struct ReadingAllow(pub Vec<String>);

/// One `backend.reading.allow` entry (Backstage's `paths` are not read).
#[derive(Deserialize)]
struct AllowEntry {
    host: String,
}

impl From<Vec<AllowEntry>> for ReadingAllow {
    fn from(entries: Vec<AllowEntry>) -> Self {
        Self(entries.into_iter().map(|e| e.host).collect())
    }
}

/// `backend.reading.allow` matching: exact host (with port when given), or `*.domain`.
pub fn host_allowed(host: &str, allow: &[String]) -> bool {
    let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
    allow.iter().any(|rule| {
        let rule = rule.to_ascii_lowercase();
        if let Some(suffix) = rule.strip_prefix("*.") {
            bare.ends_with(&format!(".{suffix}"))
        } else if rule.contains(':') {
            host == rule
        } else {
            bare == rule
        }
    })
}

/// The `host[:port]` of a URL, as integrations and `backend.reading.allow`
/// name hosts; `None` when it has none.
pub fn host_of(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integrations(json: serde_json::Value) -> Integrations {
        serde_json::from_value(json).expect("integrations")
    }

    #[test]
    fn credentials_go_to_their_own_host_only() {
        let all = integrations(serde_json::json!({
            "github": [
                { "host": "github.com", "token": "gh-secret", "apiBaseUrl": "https://api.github.com" },
                { "host": "ghe.example.com" },
            ],
            "gitlab": [{ "host": "GitLab.example.com:8443", "token": "gl-secret" }],
            "azure": [{ "host": "dev.azure.com" }],
        }));
        let github = all.credential("github.com").expect("github");
        assert_eq!(github.git_account(), ("x-access-token", "gh-secret"));
        assert_eq!(github.authorization(), "token gh-secret");
        let gitlab = all.credential("gitlab.example.com:8443").expect("gitlab, any case");
        assert_eq!(gitlab.git_account(), ("oauth2", "gl-secret"));
        assert_eq!(gitlab.authorization(), "Bearer gl-secret");
        assert_eq!(all.credential("ghe.example.com"), None, "an entry without a token");
        assert_eq!(all.credential("gitlab.example.com"), None, "another port is another host");
        assert_eq!(all.credential("evil.com"), None);
        assert_eq!(all.hosts().count(), 3);
        let debug = format!("{all:?} {github:?}");
        assert!(!debug.contains("secret"), "{debug}");
    }

    #[test]
    fn hosts_of_urls() {
        let host = |u: &str| host_of(&url::Url::parse(u).expect("url"));
        assert_eq!(host("https://github.com/o/r.git").as_deref(), Some("github.com"));
        assert_eq!(host("http://127.0.0.1:8080/r").as_deref(), Some("127.0.0.1:8080"));
        // Not lower-cased for non-web schemes: hosts are compared without case.
        assert_eq!(host("git://Example.COM/r").as_deref(), Some("Example.COM"));
        assert_eq!(host("data:text/plain,x"), None);
    }
}
