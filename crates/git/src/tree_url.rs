//! A git host's page URL for a folder or file (`…/tree/<branch>/<path>`) as
//! the repository to fetch, the branch and the path inside it: what a
//! `backstage.io/techdocs-ref: url:…` names, and what a `dir:` reference
//! resolves to when its entity was read from such a URL.
//!
//! The forms of the hosts Backstage's URL readers know:
//! - GitHub, Gitea and Forgejo: `https://host/<owner>/<repo>/tree/<branch>/<path>`
//!   (and `blob` for a file);
//! - GitLab: `https://host/<group>/…/<repo>/-/tree/<branch>/<path>`;
//! - Bitbucket Cloud: `https://host/<owner>/<repo>/src/<branch>/<path>`, and
//!   Gitea's `…/src/branch/<branch>/<path>`.
//!
//! As in Backstage (git-url-parse), the branch is the one segment after the
//! marker: a branch whose name holds `/` cannot be named this way.

use std::fmt;

/// A folder or file of one branch of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeUrl {
    /// The repository's URL, to fetch from (`https://host/owner/repo`).
    pub repository: String,
    /// The branch.
    pub branch: String,
    /// The path inside the repository, `/`-separated, without leading or
    /// trailing `/` (empty for the root). Never holds `.` or `..` segments.
    pub path: String,
}

/// Why a URL is not a tree URL; the message says which forms are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{url}` {reason}; name a folder of a branch, as a git host shows it: `https://host/owner/repo/tree/<branch>/<path>` (GitHub, Gitea), `…/-/tree/<branch>/<path>` (GitLab) or `…/src/<branch>/<path>` (Bitbucket)"
)]
pub struct TreeUrlError {
    url: String,
    reason: &'static str,
}

impl TreeUrl {
    /// Reads a tree (or blob) URL. Query and fragment are ignored.
    pub fn parse(text: &str) -> Result<Self, TreeUrlError> {
        let error = |reason| TreeUrlError { url: text.to_owned(), reason };
        let url = url::Url::parse(text.trim()).map_err(|_| error("is not a URL"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(error("is not an http(s) URL"));
        }
        if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
            return Err(error("has no host, or carries credentials"));
        }
        let segments: Vec<String> = url
            .path_segments()
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(|s| percent_decoded(s).ok_or_else(|| error("has an undecodable path")))
            .collect::<Result<_, _>>()?;
        let (repo_end, branch_at) = marker(&segments).ok_or_else(|| error("names no branch"))?;
        if repo_end < 1 {
            return Err(error("names no repository"));
        }
        let branch = segments.get(branch_at).ok_or_else(|| error("names no branch"))?;
        let path = &segments[branch_at + 1..];
        if path.iter().any(|s| s == "." || s == "..") {
            return Err(error("has `.` or `..` in its path"));
        }
        // Only `%5C` gets here: a plain `\` is a `/` to the URL parser.
        if path.iter().any(|s| s.contains('\\')) {
            return Err(error("has a backslash in its path"));
        }
        let mut repository = url.clone();
        repository.set_query(None);
        repository.set_fragment(None);
        repository
            .path_segments_mut()
            .map_err(|()| error("names no repository"))?
            .clear()
            .extend(&segments[..repo_end]);
        Ok(Self {
            repository: repository.to_string(),
            branch: branch.clone(),
            path: path.join("/"),
        })
    }

    /// The folder `relative` (a `dir:` reference, `/`-separated) names when
    /// this URL is a descriptor file's: relative to the file's folder. `None`
    /// when it climbs out of the repository.
    pub fn sibling(&self, relative: &str) -> Option<Self> {
        let mut parts: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        parts.pop(); // the descriptor file itself
        for part in relative.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                name => parts.push(name),
            }
        }
        Some(Self { path: parts.join("/"), ..self.clone() })
    }
}

impl fmt::Display for TreeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (branch {}", self.repository, self.branch)?;
        if !self.path.is_empty() {
            write!(f, ", folder {}", self.path)?;
        }
        f.write_str(")")
    }
}

/// Where the repository's segments end and which segment is the branch.
fn marker(segments: &[String]) -> Option<(usize, usize)> {
    let at = |i: usize| segments.get(i).map(String::as_str);
    for i in 0..segments.len() {
        match at(i)? {
            "-" if matches!(at(i + 1), Some("tree" | "blob")) => return Some((i, i + 2)),
            "tree" | "blob" => return Some((i, i + 1)),
            "src" if at(i + 1) == Some("branch") => return Some((i, i + 2)),
            "src" if i >= 1 => return Some((i, i + 1)),
            _ => {}
        }
    }
    None
}

/// A path segment decoded; `None` when it is not UTF-8 or hides a `/` or NUL.
fn percent_decoded(segment: &str) -> Option<String> {
    let text = percent_encoding::percent_decode_str(segment).decode_utf8().ok()?;
    (!text.contains(['/', '\0'])).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::TreeUrl;
    use expect_test::{Expect, expect};

    /// One line per URL: what it parses to, or the error's reason.
    fn check(urls: &[&str], expected: Expect) {
        let lines: Vec<String> = urls
            .iter()
            .map(|url| match TreeUrl::parse(url) {
                Ok(t) => format!("{url} => {} | {} | {}", t.repository, t.branch, t.path),
                Err(e) => format!("{url} => error: {}", e.reason),
            })
            .collect();
        expected.assert_eq(&(lines.join("\n") + "\n"));
    }

    #[test]
    fn host_forms() {
        check(
            &[
                "https://github.com/backstage/backstage/tree/master/plugins/techdocs-backend/examples/documented-component",
                "https://github.com/org/repo/tree/main",
                "https://github.com/org/repo/blob/main/catalog-info.yaml?plain=1#L3",
                "https://gitlab.example.com/group/sub/repo/-/tree/develop/docs",
                "https://bitbucket.org/org/repo/src/main/service/docs",
                "https://gitea.example.com/org/repo/src/branch/main/docs",
                "http://127.0.0.1:8080/svc/tree/main/site",
                "https://github.com/org/repo/tree/main/a%20folder/",
            ],
            expect![[r#"
                https://github.com/backstage/backstage/tree/master/plugins/techdocs-backend/examples/documented-component => https://github.com/backstage/backstage | master | plugins/techdocs-backend/examples/documented-component
                https://github.com/org/repo/tree/main => https://github.com/org/repo | main | 
                https://github.com/org/repo/blob/main/catalog-info.yaml?plain=1#L3 => https://github.com/org/repo | main | catalog-info.yaml
                https://gitlab.example.com/group/sub/repo/-/tree/develop/docs => https://gitlab.example.com/group/sub/repo | develop | docs
                https://bitbucket.org/org/repo/src/main/service/docs => https://bitbucket.org/org/repo | main | service/docs
                https://gitea.example.com/org/repo/src/branch/main/docs => https://gitea.example.com/org/repo | main | docs
                http://127.0.0.1:8080/svc/tree/main/site => http://127.0.0.1:8080/svc | main | site
                https://github.com/org/repo/tree/main/a%20folder/ => https://github.com/org/repo | main | a folder
            "#]],
        );
    }

    /// `..` (also spelt `%2e%2e`) is resolved by URL parsing itself, as a
    /// browser would, before the path is read; it can only climb the URL.
    #[test]
    fn what_is_refused() {
        check(
            &[
                "https://github.com/org/repo",
                "https://github.com/org/repo/tree",
                "https://github.com/tree/main/docs",
                "https://github.com/org/repo/tree/main/../../etc",
                "https://github.com/org/repo/tree/main/%2e%2e/x",
                "https://github.com/org/repo/tree/main/a%2Fb",
                "https://github.com/org/repo/tree/main/a%5C..%5Cb",
                "https://github.com/org/repo/tree/main/%ff",
                "https://user:pw@github.com/org/repo/tree/main",
                "file:///etc/passwd",
                "ssh://git@github.com/org/repo/tree/main",
                "not a url",
                "",
            ],
            expect![[r#"
                https://github.com/org/repo => error: names no branch
                https://github.com/org/repo/tree => error: names no branch
                https://github.com/tree/main/docs => error: names no repository
                https://github.com/org/repo/tree/main/../../etc => error: names no branch
                https://github.com/org/repo/tree/main/%2e%2e/x => https://github.com/org/repo | x | 
                https://github.com/org/repo/tree/main/a%2Fb => error: has an undecodable path
                https://github.com/org/repo/tree/main/a%5C..%5Cb => error: has a backslash in its path
                https://github.com/org/repo/tree/main/%ff => error: has an undecodable path
                https://user:pw@github.com/org/repo/tree/main => error: has no host, or carries credentials
                file:///etc/passwd => error: is not an http(s) URL
                ssh://git@github.com/org/repo/tree/main => error: is not an http(s) URL
                not a url => error: is not a URL
                 => error: is not a URL
            "#]],
        );
    }

    #[test]
    fn dir_references_beside_a_descriptor() {
        let file =
            TreeUrl::parse("https://github.com/org/repo/blob/main/services/a/catalog-info.yaml")
                .expect("url");
        let at = |relative: &str| file.sibling(relative).map(|t| t.path);
        assert_eq!(at(".").as_deref(), Some("services/a"));
        assert_eq!(at("./docs").as_deref(), Some("services/a/docs"));
        assert_eq!(at("../b").as_deref(), Some("services/b"));
        assert_eq!(at("../../..").as_deref(), None, "out of the repository");
        assert_eq!(file.sibling("..").expect("parent").repository, file.repository);
    }
}
