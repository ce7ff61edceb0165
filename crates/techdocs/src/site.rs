//! A whole site: find the pages, render them in parallel, build the nav, check links.
//!
//! [`build`] reads nothing but the repository it is given and writes nothing;
//! [`crate::output`] writes the result. Pages are rendered on every core
//! (rayon); links between pages are resolved through the [`SiteMap`] built
//! before rendering, and anchors are checked once every page's ids are known.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{self, NavSpec, SiteConfig};
use crate::diagnostic::{Check, Diagnostic, Severity};
use crate::markdown::{self, PageContext, RenderedPage, capitalise};
use crate::paths;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Promote link, anchor and image warnings to errors.
    pub strict: bool,
    /// Let `!ENV` in mkdocs.yml read environment variables (the CLI; never the portal).
    pub allow_env: bool,
    /// The source's version (a commit SHA); a hash of the sources when absent.
    pub etag: Option<String>,
}

/// A built site, in memory.
#[derive(Debug)]
pub struct Site {
    pub site_name: String,
    pub site_description: Option<String>,
    pub repo_url: Option<String>,
    pub pages: Vec<Page>,
    pub nav: Vec<NavItem>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
    pub etag: String,
    /// Milliseconds since the Unix epoch.
    pub build_timestamp: u64,
}

impl Site {
    /// True when a diagnostic is an error (the site should not be published).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// One page of a built site.
#[derive(Debug)]
pub struct Page {
    /// The page's URL inside the site: `` (home), `overview/`, `a/b.html`.
    pub url: String,
    /// The Markdown file relative to the repository.
    pub source: String,
    pub title: String,
    pub edit_url: Option<String>,
    /// The rendered page, its `sections` taken: they live on serialised as
    /// the page's search entries.
    pub rendered: RenderedPage,
    /// When the page's file last changed in git (seconds since the Unix
    /// epoch), when the repository has history for it.
    pub last_modified: Option<i64>,
    /// The file inside its docs folder, and that folder's place in the site (for the automatic nav).
    docs_rel: String,
    prefix: String,
    /// The Markdown file (absolute), its content's hash and the page's own
    /// diagnostics: what [`rebuild`] needs to reuse the page.
    file: PathBuf,
    digest: Vec<u8>,
    own_diagnostics: Vec<Diagnostic>,
    /// The page's entries of `search_index.json` (comma-separated JSON
    /// objects), serialised as soon as the page is rendered: the page's
    /// sections are not kept (at 18,200 pages, text and JSON were 1 GB).
    pub(crate) search_entries: Vec<u8>,
}

/// A page that could not be rendered (unreadable, too large, not UTF-8):
/// why, and the hash of what was read, for the etag.
#[derive(Debug, Default)]
struct Unrendered {
    diagnostics: Vec<Diagnostic>,
    digest: Vec<u8>,
}

/// A file copied as it is (images, downloads).
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    pub url: String,
}

/// One entry of the site navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavItem {
    pub title: String,
    /// A page URL inside the site, or an external URL when `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<NavItem>,
}

/// What a path in the repository is to the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page, with its URL.
    Page(String),
    /// A copied file, with its URL.
    Asset(String),
}

/// Every page and asset of the site by source path, for link resolution.
#[derive(Debug, Default)]
pub struct SiteMap {
    pages: HashMap<PathBuf, String>,
    assets: HashMap<PathBuf, String>,
}

impl SiteMap {
    /// A map of the given pages and assets (source path, URL).
    pub fn new(
        pages: impl IntoIterator<Item = (PathBuf, String)>,
        assets: impl IntoIterator<Item = (PathBuf, String)>,
    ) -> Self {
        SiteMap { pages: pages.into_iter().collect(), assets: assets.into_iter().collect() }
    }

    /// What `path` (normalised, absolute) is: a page, a folder with an index page, or an asset.
    pub fn target(&self, path: &Path) -> Option<Target> {
        if let Some(url) = self.pages.get(path) {
            return Some(Target::Page(url.clone()));
        }
        if let Some(url) = self.assets.get(path) {
            return Some(Target::Asset(url.clone()));
        }
        ["index.md", "README.md"]
            .iter()
            .find_map(|index| self.pages.get(&path.join(index)))
            .map(|url| Target::Page(url.clone()))
    }
}

/// A docs folder and where its pages go in the site (sub-sites from `!include` get a prefix).
struct DocsTree<'c> {
    config: &'c SiteConfig,
    prefix: String,
}

/// A page found in a docs folder, before rendering.
struct Source {
    file: PathBuf,
    /// Relative to the repository (diagnostics) and to its docs folder (edit links, the nav).
    rel: String,
    docs_rel: String,
    url: String,
    /// Its docs folder, an index into the build's `DocsTree`s.
    tree: usize,
    /// Its size when scanned: the largest pages are rendered first.
    bytes: u64,
}

/// Builds the site whose mkdocs.yml is in `dir`, inside the repository `root`.
///
/// A configuration that cannot be used is an `Err`; everything else (broken
/// links, unreadable pages) is a diagnostic on the returned site.
pub fn build(root: &Path, dir: &Path, options: &BuildOptions) -> Result<Site, Diagnostic> {
    build_reusing(root, dir, options, None).map(|r| r.site)
}

/// A site built again after some of its files changed.
#[derive(Debug)]
pub struct Rebuild {
    pub site: Site,
    /// The URLs of the pages rendered again (every page when `full`).
    pub rendered: Vec<String>,
    /// No page was reused: a changed file was not a page (mkdocs.yml, a
    /// snippet), pages or assets were added, removed or failed before, or
    /// every page changed.
    pub full: bool,
}

impl Rebuild {
    /// A site built from scratch, as a rebuild that rendered everything.
    pub fn whole(site: Site) -> Self {
        let rendered = site.pages.iter().map(|p| p.url.clone()).collect();
        Rebuild { site, rendered, full: true }
    }
}

/// Builds `previous` again after the files in `changed` (absolute paths) were
/// saved: when they are all pages of the site and no page or asset came or
/// went, only those pages are rendered and the rest are reused; otherwise it
/// is a full build. The nav, anchor checks and etag are always recomputed.
pub fn rebuild(
    previous: Site,
    root: &Path,
    dir: &Path,
    options: &BuildOptions,
    changed: &[PathBuf],
) -> Result<Rebuild, Diagnostic> {
    build_reusing(root, dir, options, Some((previous, changed)))
}

fn build_reusing(
    root: &Path,
    dir: &Path,
    options: &BuildOptions,
    previous: Option<(Site, &[PathBuf])>,
) -> Result<Rebuild, Diagnostic> {
    let root = root.canonicalize().map_err(|e| {
        Diagnostic::error(Check::Config, root.display().to_string(), 0, format!("cannot open: {e}"))
    })?;
    let dir = dir.canonicalize().ok().filter(|d| d.starts_with(&root)).ok_or_else(|| {
        let message = "the folder with mkdocs.yml must exist inside the repository";
        Diagnostic::error(Check::Config, dir.display().to_string(), 0, message)
    })?;
    let (config, mut diagnostics) = config::load(&root, &dir, options.allow_env)?;
    let mut trees = vec![DocsTree { config: &config, prefix: String::new() }];
    collect_trees(config.nav.as_deref().unwrap_or_default(), "", &mut trees);

    let mut sources = Vec::new();
    let mut assets = Vec::new();
    for (index, tree) in trees.iter().enumerate() {
        scan(&root, tree, index, &mut sources, &mut assets, &mut diagnostics);
    }
    let mut map = SiteMap::default();
    for source in &sources {
        map.pages.insert(source.file.clone(), source.url.clone());
    }
    for asset in &assets {
        map.assets.insert(asset.source.clone(), asset.url.clone());
    }
    // Git dates are read once per full build; a rebuild keeps them (saved
    // files are not committed yet, so their dates have not moved).
    let mut dates: HashMap<PathBuf, i64> = HashMap::new();
    let mut reusable = match previous {
        Some((previous, changed)) => {
            dates.extend(
                previous.pages.iter().filter_map(|p| Some((p.file.clone(), p.last_modified?))),
            );
            reusable_pages(previous, changed, &sources, &assets)
        }
        None => HashMap::new(),
    };
    let full = reusable.is_empty();
    if full || reusable.len() < sources.len() {
        markdown::highlight::warm_up();
    }

    let todo: Vec<&Source> =
        sources.iter().filter(|source| !reusable.contains_key(&source.file)).collect();
    // A full build reads git history on a thread of its own while every core
    // renders: the walk is one thread of object reads, and on a long history
    // (20,000 commits, BENCHMARKS.md) it took longer than the rendering.
    let (fresh, walked) = std::thread::scope(|scope| {
        let walk = full.then(|| {
            let files: Vec<PathBuf> = sources.iter().map(|s| s.file.clone()).collect();
            let root = &root;
            scope.spawn(move || crate::history::last_modified(root, &files))
        });
        let fresh = largest_first(&todo, |source| render_source(&root, source, &trees, &map));
        // A walk that panicked gives no dates; the build goes on.
        (fresh, walk.map(|walk| walk.join().unwrap_or_default()))
    });
    // In the sources' order: `fresh` holds, in order, the sources not reused.
    let mut fresh = fresh.into_iter();
    let mut hasher = Sha256::new();
    let mut pages = Vec::with_capacity(sources.len());
    let mut rendered = Vec::new();
    for source in &sources {
        let outcome = match reusable.remove(&source.file) {
            Some(page) => Ok(page),
            None => {
                rendered.push(source.url.clone());
                fresh.next().unwrap_or_else(|| Err(Unrendered::default()))
            }
        };
        match outcome {
            Ok(page) => {
                hasher.update(&page.digest);
                diagnostics.extend(page.own_diagnostics.iter().cloned());
                pages.push(page);
            }
            Err(unrendered) => {
                hasher.update(&unrendered.digest);
                diagnostics.extend(unrendered.diagnostics);
            }
        }
    }
    for asset in &assets {
        hasher.update(asset.url.as_bytes());
        hasher.update(std::fs::metadata(&asset.source).map(|m| m.len()).unwrap_or(0).to_le_bytes());
    }
    if let Some(walked) = walked {
        dates = walked;
    }
    for page in &mut pages {
        page.last_modified = dates.get(&page.file).copied();
    }
    check_anchors(&pages, &mut diagnostics);

    let titles: HashMap<&str, &str> =
        pages.iter().map(|p| (p.url.as_str(), p.title.as_str())).collect();
    let nav = match &config.nav {
        Some(specs) => {
            nav_from_specs(specs, &pages, &trees[0], &root, &map, &titles, &mut diagnostics)
        }
        None => auto_nav(&pages, ""),
    };
    if options.strict {
        diagnostics = diagnostics.into_iter().map(Diagnostic::strict).collect();
    }
    diagnostics.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
    let etag = options.etag.clone().unwrap_or_else(|| hex::encode(&hasher.finalize()[..10]));
    let build_timestamp =
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let site = Site {
        site_name: config.site_name.clone(),
        site_description: config.site_description.clone(),
        repo_url: config.repo_url.clone(),
        pages,
        nav,
        assets,
        diagnostics,
        etag,
        build_timestamp,
    };
    Ok(Rebuild { site, rendered, full })
}

/// The pages of `previous` that a rebuild may keep, by file: none unless
/// every changed file is one of its pages and the site still has exactly the
/// same pages (at the same URLs) and assets. Links between pages are resolved
/// against that layout, so any change to it renders everything again.
fn reusable_pages(
    previous: Site,
    changed: &[PathBuf],
    sources: &[Source],
    assets: &[Asset],
) -> HashMap<PathBuf, Page> {
    let before: HashSet<(&Path, &str)> =
        previous.pages.iter().map(|p| (p.file.as_path(), p.url.as_str())).collect();
    let now: HashSet<(&Path, &str)> =
        sources.iter().map(|s| (s.file.as_path(), s.url.as_str())).collect();
    let assets_before: HashSet<(&Path, &str)> =
        previous.assets.iter().map(|a| (a.source.as_path(), a.url.as_str())).collect();
    let assets_now: HashSet<(&Path, &str)> =
        assets.iter().map(|a| (a.source.as_path(), a.url.as_str())).collect();
    let only_pages_changed = changed.iter().all(|c| before.iter().any(|(file, _)| file == c));
    if before != now || assets_before != assets_now || !only_pages_changed {
        return HashMap::new();
    }
    previous
        .pages
        .into_iter()
        .filter(|p| !changed.contains(&p.file))
        .map(|p| (p.file.clone(), p))
        .collect()
}

fn collect_trees<'c>(specs: &'c [NavSpec], prefix: &str, trees: &mut Vec<DocsTree<'c>>) {
    for spec in specs {
        match spec {
            NavSpec::Section { children, .. } => collect_trees(children, prefix, trees),
            NavSpec::Include { site, .. } => {
                let prefix = include_prefix(prefix, site);
                trees.push(DocsTree { config: site, prefix: prefix.clone() });
                collect_trees(site.nav.as_deref().unwrap_or_default(), &prefix, trees);
            }
            _ => {}
        }
    }
}

/// Where a sub-site's pages go: under its parent's, in a folder named after it.
fn include_prefix(parent: &str, site: &SiteConfig) -> String {
    format!("{parent}{}/", url_segment(&site.site_name))
}

/// A site name as a URL folder (the monorepo plugin uses the name as it is; spaces and slashes cannot be).
fn url_segment(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .collect();
    let cleaned = cleaned.trim_matches(['-', '.']).to_string();
    if cleaned.is_empty() { "site".into() } else { cleaned }
}

/// Finds the pages and assets of one docs folder.
fn scan(
    root: &Path,
    tree: &DocsTree<'_>,
    index: usize,
    sources: &mut Vec<Source>,
    assets: &mut Vec<Asset>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let docs = &tree.config.docs_dir;
    let walker = walkdir::WalkDir::new(docs).follow_links(false).sort_by_file_name().into_iter();
    let mut found = Vec::new();
    for entry in
        walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let Ok(entry) = entry else { continue };
        let path = entry.path().to_path_buf();
        if entry.path_is_symlink() {
            match path.canonicalize() {
                // A link to a file inside the repository is published as that file.
                Ok(real) if real.starts_with(root) && real.is_file() => {}
                _ => {
                    diagnostics.push(Diagnostic::error(
                        Check::File,
                        paths::relative_to(root, entry.path()),
                        0,
                        "symlink leads out of the repository (or nowhere); it is not published",
                    ));
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        found.push((path, bytes));
    }
    let has_index: HashSet<PathBuf> = found
        .iter()
        .filter(|(p, _)| p.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|(p, _)| p.parent().map(Path::to_path_buf))
        .collect();
    for (path, bytes) in found {
        let rel = paths::relative_to(docs, &path);
        let is_md = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if !is_md {
            assets.push(Asset { url: format!("{}{rel}", tree.prefix), source: path });
            continue;
        }
        let readme_as_index = path.file_name().is_some_and(|n| n == "README.md")
            && !path.parent().is_some_and(|p| has_index.contains(p));
        let url = format!(
            "{}{}",
            tree.prefix,
            page_url(&rel, readme_as_index, tree.config.use_directory_urls)
        );
        sources.push(Source {
            rel: paths::relative_to(root, &path),
            docs_rel: rel,
            file: path,
            url,
            tree: index,
            bytes,
        });
    }
}

/// `a/b.md` → `a/b/`; `a/index.md` → `a/`; without directory URLs `a/b.html`.
pub fn page_url(rel: &str, readme_as_index: bool, directory_urls: bool) -> String {
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    let (dir, name) = match stem.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), stem),
    };
    let index = name == "index" || (readme_as_index && name == "README");
    match (index, directory_urls) {
        (true, true) => dir,
        (true, false) => format!("{dir}index.html"),
        (false, true) => format!("{dir}{name}/"),
        (false, false) => format!("{dir}{name}.html"),
    }
}

/// `render` applied to every source on every core, largest first (each core
/// takes the next largest when it is free), and the results in `todo`'s
/// order. Rendering in the order of the files left a core idle for 80 ms at
/// the end of a build, while the other rendered the last long changelogs
/// alone.
fn largest_first<T: Send>(todo: &[&Source], render: impl Fn(&Source) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<usize> = (0..todo.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(todo[i].bytes));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = rayon::broadcast(|_| {
        let mut mine = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            mine.push((i, render(todo[i])));
        }
        mine
    })
    .into_iter()
    .flatten()
    .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

fn render_source(
    root: &Path,
    source: &Source,
    trees: &[DocsTree<'_>],
    map: &SiteMap,
) -> Result<Page, Unrendered> {
    let error = |message: String| {
        let diagnostics = vec![Diagnostic::error(Check::File, source.rel.clone(), 0, message)];
        Err(Unrendered { diagnostics, digest: Vec::new() })
    };
    let bytes = match std::fs::metadata(&source.file) {
        Ok(m) if m.len() as usize > markdown::MAX_PAGE_BYTES => {
            return error(format!(
                "the page is larger than {} MiB and is not rendered",
                markdown::MAX_PAGE_BYTES >> 20
            ));
        }
        Ok(_) => match std::fs::read(&source.file) {
            Ok(bytes) => bytes,
            Err(e) => return error(format!("cannot read: {e}")),
        },
        Err(e) => return error(format!("cannot read: {e}")),
    };
    let digest = Sha256::digest(&bytes).to_vec();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let message = "the page is not valid UTF-8";
            let diagnostics =
                vec![Diagnostic::error(Check::File, source.rel.clone(), line, message)];
            return Err(Unrendered { diagnostics, digest });
        }
    };
    let tree = &trees[source.tree];
    let config_dir =
        root.join(&tree.config.file).parent().map(Path::to_path_buf).unwrap_or(root.to_path_buf());
    let context = PageContext {
        root,
        file: &source.file,
        file_rel: &source.rel,
        url: &source.url,
        snippet_bases: vec![config_dir, source.file.parent().unwrap_or(root).to_path_buf()],
        config: &tree.config.markdown,
        site: map,
    };
    let mut rendered = markdown::render_page(&text, &context);
    let diagnostics = std::mem::take(&mut rendered.diagnostics);
    let title = rendered.title.clone().unwrap_or_else(|| title_from_path(&source.file));
    let sections = std::mem::take(&mut rendered.sections);
    let search_entries = crate::output::page_search_entries(&source.url, &title, &sections);
    let edit_url = edit_url(tree.config, &source.docs_rel);
    let page = Page {
        url: source.url.clone(),
        source: source.rel.clone(),
        title,
        edit_url,
        rendered,
        last_modified: None,
        docs_rel: source.docs_rel.clone(),
        prefix: tree.prefix.clone(),
        file: source.file.clone(),
        digest,
        own_diagnostics: diagnostics,
        search_entries,
    };
    Ok(page)
}

/// MkDocs' edit link: `repo_url` + `edit_uri` + the page's path in the docs folder.
fn edit_url(config: &SiteConfig, docs_rel: &str) -> Option<String> {
    let repo = config.repo_url.as_deref()?.trim_end_matches('/');
    let edit = match config.edit_uri.as_deref() {
        Some("") => return None,
        Some(e) => e.trim_matches('/').to_string(),
        None if repo.contains("github.com") => "edit/master/docs".into(),
        None if repo.contains("gitlab.com") => "-/edit/master/docs".into(),
        None => return None,
    };
    if edit.contains("://") {
        return Some(format!("{edit}/{docs_rel}"));
    }
    Some(format!("{repo}/{edit}/{docs_rel}"))
}

/// `getting-started.md` → `Getting started` (MkDocs' fallback title).
fn title_from_path(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = if stem == "index" || stem == "README" {
        path.parent()
            .and_then(Path::file_name)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(stem)
    } else {
        stem
    };
    capitalise(&stem.replace(['-', '_'], " "))
}

fn check_anchors(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) {
    let ids: HashMap<&str, HashSet<&str>> = pages
        .iter()
        .map(|p| (p.url.as_str(), p.rendered.ids.iter().map(String::as_str).collect()))
        .collect();
    for page in pages {
        for link in &page.rendered.links {
            let Some(targets) = ids.get(link.url.as_str()) else { continue };
            if !targets.contains(link.anchor.as_str()) {
                let where_ = if link.url == page.url {
                    "this page".to_string()
                } else {
                    format!("`{}`", link.url)
                };
                diagnostics.push(Diagnostic::warning(
                    Check::MissingAnchor,
                    page.source.clone(),
                    link.line,
                    format!("anchor `#{}` is not a heading or id on {where_}", link.anchor),
                ));
            }
        }
    }
}

fn nav_from_specs(
    specs: &[NavSpec],
    pages: &[Page],
    tree: &DocsTree<'_>,
    root: &Path,
    map: &SiteMap,
    titles: &HashMap<&str, &str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NavItem> {
    let mut out = Vec::with_capacity(specs.len());
    for spec in specs {
        match spec {
            NavSpec::Page { title, path, line } => {
                let target =
                    paths::normalise(&tree.config.docs_dir.join(path)).and_then(|p| map.target(&p));
                match target {
                    Some(Target::Page(url)) => {
                        let title = title.clone().unwrap_or_else(|| {
                            titles.get(url.as_str()).copied().unwrap_or(path).to_string()
                        });
                        out.push(NavItem {
                            title,
                            url: Some(url),
                            external: false,
                            children: Vec::new(),
                        });
                    }
                    _ => diagnostics.push(Diagnostic::warning(
                        Check::BrokenLink,
                        tree.config.file.clone(),
                        *line,
                        format!(
                            "nav entry `{path}` is not a page in `{}`",
                            paths::relative_to(root, &tree.config.docs_dir)
                        ),
                    )),
                }
            }
            NavSpec::Link { title, url } => out.push(NavItem {
                title: title.clone(),
                url: Some(url.clone()),
                external: true,
                children: Vec::new(),
            }),
            NavSpec::Section { title, children } => out.push(NavItem {
                title: title.clone(),
                url: None,
                external: false,
                children: nav_from_specs(children, pages, tree, root, map, titles, diagnostics),
            }),
            NavSpec::Include { title, site } => {
                let prefix = include_prefix(&tree.prefix, site);
                let sub = DocsTree { config: site, prefix: prefix.clone() };
                let children = match &site.nav {
                    Some(specs) => {
                        nav_from_specs(specs, pages, &sub, root, map, titles, diagnostics)
                    }
                    None => auto_nav(pages, &prefix),
                };
                out.push(NavItem { title: title.clone(), url: None, external: false, children });
            }
        }
    }
    out
}

/// MkDocs' nav without a `nav` key: in each folder, its index page, its other
/// pages by name, then its sub-folders as sections.
fn auto_nav(pages: &[Page], prefix: &str) -> Vec<NavItem> {
    let mut chosen: Vec<(Vec<&str>, bool, &str, &Page)> = pages
        .iter()
        .filter(|p| p.prefix == prefix)
        .map(|p| {
            let mut parts: Vec<&str> = p.docs_rel.split('/').collect();
            let file = parts.pop().unwrap_or_default();
            let index =
                file.starts_with("index.") || (file.starts_with("README.") && p.url.ends_with('/'));
            (parts, !index, file, p)
        })
        .collect();
    chosen.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    let mut root: Vec<NavItem> = Vec::new();
    for (folders, _, _, page) in chosen {
        let mut level = &mut root;
        for folder in folders {
            let title = capitalise(&folder.replace(['-', '_'], " "));
            let position = match level.iter().position(|i| i.url.is_none() && i.title == title) {
                Some(p) => p,
                None => {
                    level.push(NavItem { title, url: None, external: false, children: Vec::new() });
                    level.len() - 1
                }
            };
            level = &mut level[position].children;
        }
        level.push(NavItem {
            title: page.title.clone(),
            url: Some(page.url.clone()),
            external: false,
            children: Vec::new(),
        });
    }
    root
}
