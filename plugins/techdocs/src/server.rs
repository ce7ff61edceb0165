//! The server half: published sites in storage, Backstage's `/api/techdocs`
//! routes, and the reader's data.
//!
//! A site lives at `<publish directory>/<namespace>/<kind>/<name>/`, lower-cased
//! (Backstage's layout, so a bucket or folder Backstage published to reads
//! here too). Pages Portico built carry their content between markers and
//! their nav and headings in `_portico/`; pages MkDocs built are cut at their
//! `<article>`. Either way the HTML goes through the TechDocs sanitiser again,
//! which also points every relative link at the portal's routes.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use portico_plugin_api::PortalError;
use portico_plugin_api::server::{
    Backend, Config as PortalConfig, ConfigError, PluginContext, ServerError,
};
use portico_techdocs::output::{self, Metadata, PageDetail, SiteIndex};
pub(crate) use portico_techdocs_storage::{SiteRef, Storage};

use crate::api::{
    DocBuild, DocHeading, DocHit, DocNav, DocPage, DocSearch, DocSite, DocSites, DocView,
};
use crate::builder::{LocalBuilder, SyncState};
use crate::config::{BuilderMode, Config};

pub(crate) const BACKEND: Backend =
    Backend::new(router, &[]).config::<Config>().collators(&[crate::search::COLLATOR]);

/// What the plugin opens once per loaded config, shared by the routes, the
/// server functions and search: the storage `techdocs.publisher` configures
/// (a bucket's client keeps its connections and credentials) and, with
/// `techdocs.builder: local`, the builder (its state says which builds run).
#[derive(Debug, Clone)]
pub(crate) struct Opened {
    pub(crate) storage: Storage,
    pub(crate) builder: Option<LocalBuilder>,
}

pub(crate) fn open(ctx: &PluginContext) -> Result<Opened, ConfigError> {
    static OPENED: Mutex<Vec<(Arc<PortalConfig>, Opened)>> = Mutex::new(Vec::new());
    let mut opened = OPENED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, found)) = opened.iter().find(|(c, _)| Arc::ptr_eq(c, &ctx.config)) {
        return Ok(found.clone());
    }
    let config: Config = ctx.config()?;
    let storage = Storage::open(
        &config.publisher,
        &ctx.data_dir().join("static/docs"),
        config.legacy_use_case_sensitive_triplet_paths,
    )
    .map_err(|e| ConfigError::Invalid {
        at: "app-config".into(),
        key: "techdocs.publisher".into(),
        message: e.to_string(),
    })?;
    let remotes = crate::sources::Remotes {
        integrations: ctx.config.get("integrations")?.unwrap_or_default(),
        allow: ctx
            .config
            .get::<portico_git::ReadingAllow>("backend.reading.allow")?
            .unwrap_or_default()
            .0,
        home: ctx.data_dir().join("git"),
    };
    let builder = (config.builder == BuilderMode::Local).then(|| {
        let check = config.rebuild_check_seconds.map(Duration::from_secs);
        LocalBuilder::new(
            storage.clone(),
            ctx.catalog.clone(),
            ctx.data_dir().join("builds"),
            check.unwrap_or(crate::builder::DEFAULT_CHECK_EVERY),
            remotes,
        )
    });
    let found = Opened { storage, builder };
    opened.push((ctx.config.clone(), found.clone()));
    Ok(found)
}

fn router(ctx: &PluginContext) -> Result<Router, ConfigError> {
    let Opened { storage, builder } = open(ctx)?;
    // Sites published while the portal runs (by `portico techdocs publish`
    // or CI) reach the search index through this watch.
    let (changes, _) = tokio::sync::broadcast::channel(64);
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(crate::search::watch(storage.clone(), ctx.search.clone(), changes.clone()));
    }
    let publishing = crate::publish::Publishing {
        storage: storage.clone(),
        tokens: crate::publish::tokens(&ctx.config)?,
        scratch: ctx.data_dir().join("uploads"),
    };
    let publish_route = Router::new()
        .route("/publish/{namespace}/{kind}/{name}", axum::routing::put(crate::publish::publish))
        // The route streams its body to disk with its own limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(publishing);
    Ok(Router::new()
        .route("/static/docs/{namespace}/{kind}/{name}/{*path}", get(static_file))
        .route("/metadata/techdocs/{namespace}/{kind}/{name}", get(metadata))
        .with_state(storage.clone())
        .merge(
            Router::new()
                .route("/sync/{namespace}/{kind}/{name}", get(crate::events::sync))
                .with_state((storage.clone(), builder)),
        )
        .merge(publish_route)
        .merge(
            Router::new()
                .route("/events/{namespace}/{kind}/{name}", get(crate::events::events))
                .with_state((storage, changes)),
        ))
}

/// `GET /static/docs/{namespace}/{kind}/{name}/{*path}`: a stored file, as it is.
///
/// Stored HTML may come from MkDocs (with its scripts), so every file is served
/// with a sandboxing Content-Security-Policy: opened directly, nothing in it runs
/// with the portal's origin. The reader never embeds these files; it renders
/// sanitised content.
async fn static_file(
    State(storage): State<Storage>,
    UrlPath((namespace, kind, name, path)): UrlPath<(String, String, String, String)>,
) -> Response {
    let path =
        if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    let found = match storage.site(&namespace, &kind, &name) {
        Some(site) => storage.read(&site, &path).await,
        None => None,
    };
    let Some(bytes) = found else {
        return not_found("No such file in this documentation site.");
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `GET /metadata/techdocs/{namespace}/{kind}/{name}`: the site's `techdocs_metadata.json`.
async fn metadata(
    State(storage): State<Storage>,
    UrlPath((namespace, kind, name)): UrlPath<(String, String, String)>,
) -> Response {
    let metadata = match storage.site(&namespace, &kind, &name) {
        Some(site) => storage.json::<serde_json::Value>(&site, output::METADATA_FILE).await,
        None => None,
    };
    match metadata {
        Some(value) => axum::Json(value).into_response(),
        None => not_found("No documentation is published for this entity."),
    }
}

pub(crate) fn not_found(message: &str) -> Response {
    PortalError::not_found(message).into_response()
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The plugin's context in a server function, and what it opened.
fn context() -> Result<(PluginContext, Opened), ServerError> {
    let ctx = portico_plugin_api::server::context("techdocs")?;
    let opened = open(&ctx).map_err(ServerError::internal)?;
    Ok((ctx, opened))
}

/// The reader's view of a build that runs or ran, `None` when the stored
/// site is current, or why nothing can be shown (`Unbuildable`).
fn doc_build(state: SyncState, site: &SiteRef) -> Result<Option<DocBuild>, String> {
    let sync_url = format!("/api/techdocs/sync/{}", site.path());
    Ok(match state {
        SyncState::Current => None,
        SyncState::Unbuildable(why) => return Err(why),
        SyncState::Building { log, .. } => {
            Some(DocBuild { building: true, failure: None, log, sync_url })
        }
        SyncState::Failed(failure) => Some(DocBuild {
            building: false,
            failure: Some(failure.message),
            log: failure.log,
            sync_url,
        }),
    })
}

/// The reader's data for one page, or the first build it waits for.
pub(crate) async fn doc_page(
    namespace: &str,
    kind: &str,
    name: &str,
    path: &str,
    search: &str,
) -> Result<DocView, ServerError> {
    let (ctx, Opened { storage, builder }) = context()?;
    let config: Config = ctx.config().map_err(ServerError::internal)?;
    let missing = || {
        ServerError::from(PortalError::not_found("No documentation is published for this entity."))
    };
    let site = storage.site(namespace, kind, name).ok_or_else(missing)?;
    let state = match builder {
        Some(builder) => builder.sync_for_view(&site).await,
        None => SyncState::Current,
    };
    let entity_ref = site.entity_ref();
    let entity_href = format!("/catalog/{namespace}/{kind}/{name}").to_ascii_lowercase();
    let stored: Option<Metadata> = storage.json(&site, output::METADATA_FILE).await;
    let build = doc_build(state, &site);
    let (metadata, build) = match (stored, build) {
        (Some(metadata), build) => (metadata, build.unwrap_or_default()),
        (None, Ok(Some(build))) => {
            return Ok(DocView::Pending { entity_ref, entity_href, build });
        }
        (None, Ok(None)) => return Err(missing()),
        (None, Err(why)) => return Err(PortalError::not_found(why).into()),
    };
    let (url, bytes) = page_location(&storage, &site, path).await.ok_or_else(|| {
        ServerError::from(PortalError::not_found(format!(
            "This documentation has no page `{path}`."
        )))
    })?;
    let html = String::from_utf8(bytes).unwrap_or_default();
    let index: Option<SiteIndex> = storage.json(&site, output::SITE_INDEX_FILE).await;
    let base = format!("/docs/{}/{}/{}/", namespace, kind, name).to_ascii_lowercase();
    let static_base =
        format!("/api/techdocs/static/docs/{}/{}/{}/", namespace, kind, name).to_ascii_lowercase();
    let content = match &index {
        Some(_) => between(&html, output::CONTENT_START, output::CONTENT_END),
        None => mkdocs_article(&html),
    }
    .unwrap_or_default()
    .to_string();
    let rewrite_base = (base.clone(), static_base, url.clone());
    let clean = portico_techdocs::markdown::sanitize::clean_for_reader(&content, move |link| {
        Some(portal_url(&rewrite_base.0, &rewrite_base.1, &rewrite_base.2, link))
    });
    let detail = match output::page_detail(&html) {
        Some(detail) => Some(detail),
        // Sites built before the detail moved into the page.
        None if index.is_some() => {
            storage.json::<PageDetail>(&site, &output::page_detail_file(&url)).await
        }
        None => None,
    };
    let (title, headings, last_modified) = match detail {
        Some(detail) => (
            detail.title,
            detail
                .headings
                .into_iter()
                .filter(|h| (2..=3).contains(&h.level))
                .map(|h| DocHeading { level: h.level, id: h.id, title: h.title })
                .collect(),
            detail.last_modified,
        ),
        None => (
            title_of(&html).unwrap_or_else(|| metadata.site_name.clone()),
            headings_of(&clean),
            None,
        ),
    };
    // A page whose title comes from its front matter has no `#` heading; like
    // mkdocs-material, the reader gives it one, so every page has its `<h1>`.
    let clean = if clean.contains("<h1") {
        clean
    } else {
        let mut heading = String::from("<h1>");
        portico_techdocs::markdown::highlight::escape_into(&mut heading, &title);
        heading.push_str("</h1>");
        heading + &clean
    };
    let page = index.as_ref().and_then(|i| i.pages.iter().find(|p| p.url == url));
    let nav = index.as_ref().map(|i| nav(&i.nav, &base, &url)).unwrap_or_default();
    let search = match search.trim() {
        "" => None,
        term => Some(search_site(&ctx.search, &site, term).await?),
    };
    let events_url = portico_plugin_api::url::with_query(
        &format!("/api/techdocs/events/{}", site.path()),
        &[("etag".into(), metadata.etag.clone())],
    );
    Ok(DocView::Page(Box::new(DocPage {
        site_name: metadata.site_name,
        site_description: metadata.site_description,
        entity_ref,
        entity_href,
        href: format!("{base}{url}"),
        title,
        html: clean,
        headings,
        nav,
        edit_url: page.and_then(|p| p.edit_url.clone()),
        source_url: index.as_ref().and_then(|i| i.repo_url.clone()),
        built_at: format_time(metadata.build_timestamp),
        last_modified: last_modified
            .and_then(|secs| u64::try_from(secs).ok())
            .and_then(|secs| format_time(secs.saturating_mul(1000))),
        etag: metadata.etag,
        generator: if metadata.portico_generator.is_some() {
            "Portico".into()
        } else {
            "MkDocs".into()
        },
        events_url,
        live_reload: config.live_reload,
        build,
        search,
    })))
}

/// Results of the reader's in-site search (at most this many).
const SITE_SEARCH_LIMIT: usize = 20;
/// A section's text without a highlighted passage is cut to this many characters.
const SITE_SEARCH_SNIPPET: usize = 240;
/// Longer terms are cut (a search box, not a document).
const SITE_SEARCH_MAX_TERM: usize = 200;

/// Searches one site's sections through the portal's search index (the
/// site's documents carry their entity as the `entity` facet).
async fn search_site(
    search: &portico_plugin_api::search::SearchHandle,
    site: &SiteRef,
    term: &str,
) -> Result<DocSearch, ServerError> {
    use portico_plugin_api::search::{SearchError, SearchQuery};
    use portico_ui::highlight::{results_label, shown};
    let term: String = term.chars().take(SITE_SEARCH_MAX_TERM).collect();
    let query = SearchQuery::new(term.clone(), SITE_SEARCH_LIMIT)
        .types(vec![crate::search::DOC_TYPE.to_owned()])
        .filter("entity", vec![site.entity_ref()]);
    // A term the engine refuses is the reader's typing, not the page's
    // fault: the page still shows, with the reason in place of results.
    let results = match search.run(query).await {
        Ok(results) => results,
        Err(SearchError::Invalid(message)) => {
            return Ok(DocSearch { term, label: message, hits: Vec::new() });
        }
        Err(other) => return Err(ServerError::internal(other)),
    };
    let text = |hit: &portico_plugin_api::search::SearchHit, field: &str| {
        hit.document.get(field).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned()
    };
    let hits = results
        .hits
        .iter()
        .map(|hit| {
            let tags = (results.pre_tag.as_str(), results.post_tag.as_str());
            let shown = |field: &str, limit| {
                shown(hit.highlight.get(field).map(String::as_str), &text(hit, field), tags, limit)
            };
            let location = text(hit, "location");
            // `headingPath` is [site, page, section] for a section of a page.
            let path = hit.document.get("headingPath").and_then(serde_json::Value::as_array);
            let page_title = match path.map(Vec::as_slice) {
                Some([_, page, _]) => page.as_str().map(str::to_owned),
                _ => None,
            };
            // The page's name says more only when the section has another.
            let page_title = page_title.filter(|p| *p != text(hit, "title"));
            DocHit {
                title: shown("title", None),
                // Locations of this site's documents are reader paths; anything else goes nowhere.
                href: if location.starts_with("/docs/") { location } else { String::new() },
                page: page_title,
                snippet: shown("text", Some(SITE_SEARCH_SNIPPET)),
            }
        })
        .collect();
    let label = results_label(results.total, results.total_at_least);
    Ok(DocSearch { term, label, hits })
}

/// The sites in storage, with their entity's owner from the search index
/// (the catalog's documents), filtered by kind and owner ref.
pub(crate) async fn doc_sites(kind: &str, owner: &str) -> Result<DocSites, ServerError> {
    let (ctx, Opened { storage, .. }) = context()?;
    let all: Vec<DocSite> = storage
        .sites()
        .await
        .into_iter()
        .map(|stored| {
            let facts = crate::search::entity_facts(&ctx.search, &stored.site.entity_ref());
            let [_, owner, owner_ref, _, _] = facts.unwrap_or_default();
            DocSite {
                href: format!("/docs/{}/", stored.site.path()),
                namespace: stored.site.namespace,
                kind: stored.site.kind,
                name: stored.site.name,
                site_name: stored.metadata.site_name,
                site_description: stored.metadata.site_description,
                built_at: format_time(stored.metadata.build_timestamp),
                owner: (!owner.is_empty()).then_some(owner),
                owner_ref: (!owner_ref.is_empty()).then_some(owner_ref),
            }
        })
        .collect();
    let mut kinds: Vec<String> = all.iter().map(|s| s.kind.to_ascii_lowercase()).collect();
    kinds.sort();
    kinds.dedup();
    let mut owners: Vec<(String, String)> = all
        .iter()
        .filter_map(|s| Some((s.owner_ref.clone()?, s.owner.clone().unwrap_or_default())))
        .collect();
    owners.sort_by(|a, b| (a.1.to_lowercase(), &a.0).cmp(&(b.1.to_lowercase(), &b.0)));
    owners.dedup();
    let total = all.len();
    let sites = all
        .into_iter()
        .filter(|s| kind.is_empty() || s.kind.eq_ignore_ascii_case(kind))
        .filter(|s| {
            owner.is_empty()
                || s.owner_ref.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(owner))
        })
        .collect();
    Ok(DocSites { sites, total, kinds, owners })
}

/// The page's URL in the site and its stored HTML, for a path as the reader's URL has it.
async fn page_location(storage: &Storage, site: &SiteRef, path: &str) -> Option<(String, Vec<u8>)> {
    let path = path.trim_start_matches('/');
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![(path.to_string(), format!("{path}index.html"))]
    } else if path.ends_with(".html") {
        let url = path.strip_suffix("index.html").unwrap_or(path).to_string();
        vec![(url, path.to_string())]
    } else {
        vec![
            (format!("{path}/"), format!("{path}/index.html")),
            (path.to_string(), format!("{path}.html")),
        ]
    };
    for (url, file) in candidates {
        if let Some(bytes) = storage.read(site, &file).await {
            return Some((url, bytes));
        }
    }
    None
}

fn between<'h>(html: &'h str, start: &str, end: &str) -> Option<&'h str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

/// The content of a page MkDocs (Material) built: its `<article>`.
fn mkdocs_article(html: &str) -> Option<&str> {
    let start = html.find("<article")?;
    let open_end = html[start..].find('>')? + start + 1;
    let end = html.rfind("</article>")?;
    (end >= open_end).then(|| &html[open_end..end])
}

fn title_of(html: &str) -> Option<String> {
    let title = between(html, "<title>", "</title>")?;
    let title = title.split(" - ").next().unwrap_or(title).trim();
    (!title.is_empty()).then(|| unescape(title))
}

/// `h2`/`h3` ids and texts of sanitised HTML (for sites MkDocs built).
fn headings_of(html: &str) -> Vec<DocHeading> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        rest = &rest[at + 2..];
        let level = match rest.as_bytes().first() {
            Some(b'2') => 2,
            Some(b'3') => 3,
            _ => continue,
        };
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(id) = between(tag, "id=\"", "\"") else { continue };
        let close = format!("</h{level}>");
        let Some(end) = rest.find(&close) else { break };
        let inner = &rest[tag_end + 1..end];
        let text = strip_tags(inner).replace('¶', "").trim().to_string();
        out.push(DocHeading { level, id: unescape(id), title: unescape(&text) });
        rest = &rest[end..];
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A link of a stored page, made absolute: pages go to the reader, files to the static route.
fn portal_url(base: &str, static_base: &str, current: &str, link: &str) -> String {
    if link.starts_with('#') || link.starts_with('/') || link.starts_with('?') {
        return link.to_string();
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let dir = &current[..current.rfind('/').map_or(0, |i| i + 1)];
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.is_empty() || path.ends_with("/.") || path == ".";
    let mut resolved = parts.join("/");
    if trailing && !resolved.is_empty() {
        resolved.push('/');
    }
    let is_page = trailing || resolved.ends_with(".html");
    let mut out = if is_page {
        let resolved = resolved.strip_suffix("index.html").unwrap_or(&resolved);
        format!("{base}{resolved}")
    } else {
        format!("{static_base}{resolved}")
    };
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn nav(items: &[portico_techdocs::NavItem], base: &str, current: &str) -> Vec<DocNav> {
    items
        .iter()
        .map(|item| {
            let children = nav(&item.children, base, current);
            let is_current = !item.external && item.url.as_deref() == Some(current);
            DocNav {
                title: item.title.clone(),
                href: item
                    .url
                    .as_ref()
                    .map(|u| if item.external { u.clone() } else { format!("{base}{u}") }),
                external: item.external,
                current: is_current,
                open: children.iter().any(|c| c.current || c.open),
                children,
            }
        })
        .collect()
}

fn format_time(millis: u64) -> Option<String> {
    let at =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_links_become_portal_urls() {
        let base = "/docs/default/component/x/";
        let files = "/api/techdocs/static/docs/default/component/x/";
        let cases = [
            ("guide/intro/", "../setup/#install", "/docs/default/component/x/guide/setup/#install"),
            ("guide/intro/", "../../", "/docs/default/component/x/"),
            (
                "guide/intro/",
                "../../img/d.png",
                "/api/techdocs/static/docs/default/component/x/img/d.png",
            ),
            ("guide/intro/", "#top", "#top"),
            ("", "guide/index.html", "/docs/default/component/x/guide/"),
            (
                "",
                "../../../../etc/passwd",
                "/api/techdocs/static/docs/default/component/x/etc/passwd",
            ),
            ("a.html", "b.html?x=1#y", "/docs/default/component/x/b.html#y"),
        ];
        for (current, link, expected) in cases {
            assert_eq!(portal_url(base, files, current, link), expected, "{current} + {link}");
        }
    }

    #[test]
    fn mkdocs_pages_give_their_article_and_headings() {
        let html = r##"<html><title>Setup - Site</title><article class="md-content__inner md-typeset"><h1 id="setup">Setup</h1><h2 id="a-b">A &amp; <code>b</code><a class="headerlink" href="#a-b">¶</a></h2></article></html>"##;
        let article = mkdocs_article(html).unwrap();
        assert!(article.starts_with("<h1"));
        assert_eq!(title_of(html).as_deref(), Some("Setup"));
        assert_eq!(
            headings_of(article),
            [DocHeading { level: 2, id: "a-b".into(), title: "A & b".into() }]
        );
    }
}
