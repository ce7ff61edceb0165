//! Server functions and the types they carry: the wire boundary of the plugin.

use leptos::prelude::*;
use portico_plugin_api::PortalError;
use portico_ui::highlight::Run;
use serde::{Deserialize, Serialize};

/// One entry of a site's navigation, with the portal URL it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocNav {
    pub title: String,
    pub href: Option<String>,
    pub external: bool,
    /// This is the page being read.
    pub current: bool,
    /// The page being read is below this section.
    pub open: bool,
    pub children: Vec<DocNav>,
}

/// A heading of the page, for its table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHeading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Everything the reader shows for one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPage {
    pub site_name: String,
    pub site_description: Option<String>,
    /// `component:default/payments`.
    pub entity_ref: String,
    /// `/catalog/default/component/payments`.
    pub entity_href: String,
    pub title: String,
    /// This page in the reader (`/docs/default/component/x/guide/`).
    pub href: String,
    /// Sanitised on the server; relative links already point at portal URLs.
    pub html: String,
    pub headings: Vec<DocHeading>,
    pub nav: Vec<DocNav>,
    pub edit_url: Option<String>,
    /// Where the site's sources live (`repo_url`), for "view source".
    pub source_url: Option<String>,
    /// The build time, `2026-11-24 09:30 UTC`.
    pub built_at: Option<String>,
    /// When the page's file last changed in git, `2026-11-20 16:02 UTC`.
    pub last_modified: Option<String>,
    /// The source version the build came from (a commit SHA or a content hash).
    pub etag: String,
    /// `Portico` or `MkDocs`: who built the stored site.
    pub generator: String,
    /// The site's change stream (server-sent events), with this build's etag.
    pub events_url: String,
    /// Reload as soon as the site changes (`techdocs.liveReload`), rather than offer to.
    pub live_reload: bool,
    /// A newer build running, or the last one failed (`techdocs.builder: local`).
    pub build: Option<DocBuild>,
    /// The in-site search the reader asked for (`?search=`), with its results.
    pub search: Option<DocSearch>,
}

/// A search of one site's pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSearch {
    pub term: String,
    /// `3 results`, `No results`.
    pub label: String,
    pub hits: Vec<DocHit>,
}

/// A section of the site that matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHit {
    pub title: Vec<Run>,
    /// The section in the reader (`/docs/…/page/#heading`).
    pub href: String,
    /// The page the section is on, when it is a section of a page.
    pub page: Option<String>,
    pub snippet: Vec<Run>,
}

/// A build of an entity's docs by the portal (`techdocs.builder: local`), as the reader shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocBuild {
    /// Running now (else: the last attempt failed).
    pub building: bool,
    /// Why the last attempt failed.
    pub failure: Option<String>,
    /// The build's log so far.
    pub log: Vec<String>,
    /// Backstage's `/sync` event stream: the rest of the log, then `finish`.
    pub sync_url: String,
}

/// What the reader shows for a path: the page, or the build it waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocView {
    Page(Box<DocPage>),
    /// Nothing published yet: the first build is running, or failed.
    Pending {
        entity_ref: String,
        entity_href: String,
        build: DocBuild,
    },
}

/// A documented entity, for the `/docs` index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSite {
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub site_name: String,
    pub site_description: Option<String>,
    pub href: String,
    pub built_at: Option<String>,
    /// The entity's owner as the catalog shows it, and its ref (`group:default/team-a`).
    pub owner: Option<String>,
    pub owner_ref: Option<String>,
}

/// The `/docs` index: the sites the filters let through, and every choice the filters offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSites {
    pub sites: Vec<DocSite>,
    /// How many sites there are, filtered or not.
    pub total: usize,
    /// Every kind with a site, lower-case, sorted.
    pub kinds: Vec<String>,
    /// Every owner with a site: (ref, label), sorted by label.
    pub owners: Vec<(String, String)>,
}

/// One page of an entity's documentation; `path` is the page inside the site
/// (`` is the home page); a non-empty `search` also searches the site. With
/// the local builder, this also starts a build when the sources changed.
#[server(prefix = "/api/techdocs/fn", endpoint = "doc_page")]
pub async fn fetch_page(
    namespace: String,
    kind: String,
    name: String,
    path: String,
    search: String,
) -> Result<DocView, PortalError> {
    crate::server::doc_page(&namespace, &kind, &name, &path, &search).await.map_err(Into::into)
}

/// The published sites of entities of `kind` owned by `owner` (an entity
/// ref); an empty value does not filter.
#[server(prefix = "/api/techdocs/fn", endpoint = "doc_sites")]
pub async fn fetch_sites(kind: String, owner: String) -> Result<DocSites, PortalError> {
    crate::server::doc_sites(&kind, &owner).await.map_err(Into::into)
}
