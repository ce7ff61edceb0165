//! A built site on disk, in the layout Backstage's TechDocs publishes.
//!
//! `<url>/index.html` for every page (a complete document with mkdocs-material's
//! class names, readable on its own), the assets as they were,
//! `search/search_index.json` in the MkDocs search plugin's format, and
//! `techdocs_metadata.json` with Backstage's fields, and Portico's own files
//! under `_portico/` (the nav and every page's title, word count and edit link
//! in `site.json`) that the portal's reader uses instead of parsing HTML. Each
//! page's own facts (headings, last change, word count) travel in its document,
//! as JSON in a `<meta name="portico-page">` of its head: a file per page more
//! (and a folder tree beside the pages') cost a tenth of a build's time.
//!
//! The site is written next to the destination and renamed into place, so a
//! reader sees the old site or the new one, never half of each.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::markdown::highlight::escape_into;
use crate::markdown::{Heading, Section};
use crate::site::{NavItem, Site};

/// The metadata file Backstage's reader asks for.
pub const METADATA_FILE: &str = "techdocs_metadata.json";
/// Start and end of a page's content in its HTML, for readers of the files.
pub const CONTENT_START: &str = "<!-- portico:content -->";
pub const CONTENT_END: &str = "<!-- /portico:content -->";

/// `techdocs_metadata.json`: Backstage's fields, small (Backstage's reader fetches it on every page).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metadata {
    pub site_name: String,
    #[serde(default)]
    pub site_description: Option<String>,
    pub etag: String,
    pub build_timestamp: u64,
    #[serde(default)]
    pub files: Vec<String>,
    /// The generator, on sites Portico built (absent on sites MkDocs built).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portico_generator: Option<String>,
}

/// `_portico/site.json`: the nav and every page's facts, for the portal's reader.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteIndex {
    #[serde(default)]
    pub repo_url: Option<String>,
    pub nav: Vec<NavItem>,
    pub pages: Vec<PageMetadata>,
}

/// One page's facts (its headings are in its document: [`page_detail`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageMetadata {
    pub url: String,
    pub title: String,
    /// The Markdown file, relative to the repository.
    pub source: String,
    #[serde(default)]
    pub edit_url: Option<String>,
    pub word_count: usize,
    #[serde(default)]
    pub hide_toc: bool,
    #[serde(default)]
    pub hide_nav: bool,
}

/// What the reader shows beside a page's content, carried in the page's
/// document ([`page_detail`]); sites built before that have it in
/// [`page_detail_file`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageDetail {
    pub title: String,
    pub headings: Vec<Heading>,
    /// When the page's file last changed in git (seconds since the Unix epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<i64>,
    /// Words of the page's text, headings left out.
    #[serde(default)]
    pub word_count: usize,
}

/// A [`PageDetail`] as [`page_document`] writes it, borrowed from its page.
#[derive(Serialize)]
struct PageDetailRef<'p> {
    title: &'p str,
    headings: &'p [Heading],
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<i64>,
    word_count: usize,
}

/// Where Portico's own files of a site live.
pub const PORTICO_DIR: &str = "_portico";
/// The site index inside [`PORTICO_DIR`].
pub const SITE_INDEX_FILE: &str = "_portico/site.json";

/// Whether `part` may be a namespace, kind or name in storage (Backstage's
/// `<namespace>/<kind>/<name>` layout): letters, digits, `-`, `_` and `.`,
/// at most 253 bytes, not `.` or `..`.
pub fn plain_part(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 253
        && part != "."
        && part != ".."
        && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The file a page URL is stored in: `overview/` → `overview/index.html`.
pub fn page_file(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') { format!("{url}index.html") } else { url.to_string() }
}

/// Where sites built before the detail moved into the page kept it:
/// `overview/` → `_portico/pages/overview/index.html.json`.
pub fn page_detail_file(url: &str) -> String {
    format!("{PORTICO_DIR}/pages/{}.json", page_file(url))
}

/// The start of the `<meta>` a page's document carries its [`PageDetail`] in.
const PAGE_DETAIL_META: &str = "<meta name=\"portico-page\" content=\"";

/// A page's [`PageDetail`], read from its document's head (`None` for
/// documents without one: MkDocs' pages, and Portico's before it was there).
pub fn page_detail(document: &str) -> Option<PageDetail> {
    let head = &document[..document.find("</head>")?];
    let start = head.find(PAGE_DETAIL_META)? + PAGE_DETAIL_META.len();
    let end = start + head[start..].find('"')?;
    // The reverse of `escape_into`; `&amp;` last, so `&amp;quot;` stays `&quot;`.
    let json = head[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).ok()
}

/// The metadata of a built site.
pub fn metadata(site: &Site) -> Metadata {
    let mut files: Vec<String> = site.pages.iter().map(|p| page_file(&p.url)).collect();
    files.extend(site.assets.iter().map(|a| a.url.clone()));
    files.push("search/search_index.json".into());
    files.sort();
    Metadata {
        site_name: site.site_name.clone(),
        site_description: site.site_description.clone(),
        etag: site.etag.clone(),
        build_timestamp: site.build_timestamp,
        files,
        portico_generator: Some(format!("portico-techdocs {}", env!("CARGO_PKG_VERSION"))),
    }
}

/// The nav and page list of a built site.
pub fn site_index(site: &Site) -> SiteIndex {
    SiteIndex {
        repo_url: site.repo_url.clone(),
        nav: site.nav.clone(),
        pages: site
            .pages
            .iter()
            .map(|p| PageMetadata {
                url: p.url.clone(),
                title: p.title.clone(),
                source: p.source.clone(),
                edit_url: p.edit_url.clone(),
                word_count: p.rendered.word_count,
                hide_toc: p.rendered.hide_toc,
                hide_nav: p.rendered.hide_nav,
            })
            .collect(),
    }
}

/// The MkDocs search plugin's `search_index.json` (`{"config": …, "docs": […]}`):
/// one entry per page and per section.
///
/// Each page's entries are serialised once, when it is rendered, and kept on
/// the page (a rebuild reuses unchanged pages), so writing the index again
/// after one page changed costs a copy, not a serialisation of the whole
/// site's text.
pub fn search_index_json(site: &Site) -> Vec<u8> {
    let size = site.pages.iter().map(|p| p.search_entries.len() + 1).sum::<usize>() + 128;
    let mut out = Vec::with_capacity(size);
    // Writing to memory cannot fail.
    let _ = write_search_index(site, &mut out);
    out
}

/// [`search_index_json`], written to `out` as it goes (the whole index of a
/// large site is hundreds of megabytes: it is never held at once).
fn write_search_index(site: &Site, out: &mut impl io::Write) -> io::Result<()> {
    out.write_all(SEARCH_CONFIG.as_bytes())?;
    out.write_all(b",\"docs\":[")?;
    let mut first = true;
    for fragment in site.pages.iter().map(|p| &p.search_entries).filter(|f| !f.is_empty()) {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        out.write_all(fragment)?;
    }
    out.write_all(b"]}")
}

/// The start of the index, up to its `docs`: MkDocs' search settings.
const SEARCH_CONFIG: &str =
    r#"{"config":{"lang":["en"],"separator":"[\\s\\-]+","pipeline":["stopWordFilter"]}"#;

#[derive(Serialize)]
struct SearchDoc<'s> {
    location: std::borrow::Cow<'s, str>,
    title: &'s str,
    text: &'s str,
}

/// One page's entries of the search index, as comma-separated JSON objects.
pub(crate) fn page_search_entries(url: &str, title: &str, sections: &[Section]) -> Vec<u8> {
    // MkDocs repeats the whole page's text in the page's own entry; here it
    // holds the text before the first heading, and each section holds its own,
    // so the index is half the size and still covers every word once.
    let intro = sections.first().filter(|s| s.id.is_none()).map_or("", |s| s.text.as_str());
    let mut docs = vec![SearchDoc { location: url.into(), title, text: intro }];
    for section in sections {
        if let Some(id) = &section.id {
            docs.push(SearchDoc {
                location: format!("{url}#{id}").into(),
                title: &section.title,
                text: &section.text,
            });
        }
    }
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Plain strings: serialising them cannot fail.
        let _ = serde_json::to_writer(&mut out, doc);
    }
    out
}

/// JSON bytes of one of the site's plain data types (which cannot fail to serialise).
fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec())
}

/// Writes `path` under `dir`, creating its folders.
fn write_file(dir: &Path, path: &str, bytes: &[u8]) -> io::Result<()> {
    let target = dir.join(path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(target, bytes)
}

/// Writes the site to `dest`, replacing what was there only once everything is written.
/// Each page's document is made and written on a core of its own, never all held at once.
pub fn write_site(site: &Site, dest: &Path) -> io::Result<()> {
    replace_dir(dest, |staging| {
        // The search index (one file, written on one thread) is written
        // while the other pages and assets are.
        let (search, written) = rayon::join(
            || {
                fs::create_dir_all(staging.join("search"))?;
                let file = fs::File::create(staging.join("search/search_index.json"))?;
                let mut out = io::BufWriter::with_capacity(1 << 20, file);
                write_search_index(site, &mut out)?;
                io::Write::flush(&mut out)
            },
            || {
                site.pages
                    .par_iter()
                    .try_for_each(|page| write_page(site, page, staging, write_file))?;
                site.assets.par_iter().try_for_each(|asset| {
                    let target = staging.join(&asset.url);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    // A hard link costs nothing; across file systems, a copy.
                    fs::hard_link(&asset.source, &target)
                        .or_else(|_| fs::copy(&asset.source, &target).map(drop))
                })
            },
        );
        written?;
        search?;
        write_file(staging, SITE_INDEX_FILE, &json_bytes(&site_index(site)))?;
        write_file(staging, METADATA_FILE, &json_bytes(&metadata(site)))
    })
}

/// Writes what a [`crate::rebuild`] changed into the site already at `dest`:
/// the pages in `pages` (URLs), the search index, the site index and the
/// metadata, each file replaced whole (written beside it, then renamed).
///
/// Only right when the nav is what `dest` already has (each page's document
/// carries the nav around it) and no page or asset came or went; otherwise
/// use [`write_site`].
pub fn update_site(site: &Site, dest: &Path, pages: &[String]) -> io::Result<()> {
    let changed: std::collections::HashSet<&str> = pages.iter().map(String::as_str).collect();
    site.pages
        .par_iter()
        .filter(|page| changed.contains(page.url.as_str()))
        .try_for_each(|page| write_page(site, page, dest, replace_file))?;
    replace_file(dest, "search/search_index.json", &search_index_json(site))?;
    replace_file(dest, SITE_INDEX_FILE, &json_bytes(&site_index(site)))?;
    // Last: a reader that sees the new etag finds the new pages.
    replace_file(dest, METADATA_FILE, &json_bytes(&metadata(site)))
}

/// Replaces one file atomically: a reader gets the old bytes or the new ones.
fn replace_file(dir: &Path, path: &str, bytes: &[u8]) -> io::Result<()> {
    let staging = format!("{path}.portico-new");
    write_file(dir, &staging, bytes)?;
    fs::rename(dir.join(staging), dir.join(path))
}

/// A page's document, written with `write` under `dir`.
fn write_page(
    site: &Site,
    page: &crate::site::Page,
    dir: &Path,
    write: fn(&Path, &str, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    write(dir, &page_file(&page.url), page_document(site, page).as_bytes())
}

/// Replaces the folder `dest` by what `fill` writes into a staging folder
/// beside it: readers see the old folder or the new one, never a mix, and a
/// failed `fill` leaves the old one in place.
pub fn replace_dir<T>(dest: &Path, fill: impl FnOnce(&Path) -> io::Result<T>) -> io::Result<T> {
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name =
        dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    let filled = match fill(&staging) {
        Ok(filled) => filled,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if dest.exists() {
        fs::rename(dest, &old)?;
    }
    fs::rename(&staging, dest)?;
    if old.exists() {
        remove_tree(&old)?;
    }
    Ok(filled)
}

/// `fs::remove_dir_all`, with the files removed on every core: the previous
/// build of the 364-page corpus (829 files, 55 MB) took 130–160 ms to remove
/// one file at a time and 90–95 ms four at a time (`rm -rf` against
/// `xargs -P4 rm` on this machine), out of a build of about 600 ms.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    // Folders by depth: those of one depth are removed together, the deepest
    // first, so each is empty when its turn comes. (One at a time, the 400
    // folders of a page-per-folder site took another 60–80 ms.)
    let mut dirs: Vec<Vec<PathBuf>> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            let depth = entry.depth();
            if dirs.len() <= depth {
                dirs.resize_with(depth + 1, Vec::new);
            }
            dirs[depth].push(entry.into_path());
        } else {
            // Files and symlinks alike: a link is removed, never followed.
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(fs::remove_file)?;
    for level in dirs.iter().rev() {
        level.par_iter().try_for_each(fs::remove_dir)?;
    }
    Ok(())
}

/// A page as a standalone document, with mkdocs-material's class names.
fn page_document(site: &Site, page: &crate::site::Page) -> String {
    let detail = serde_json::to_string(&PageDetailRef {
        title: &page.title,
        headings: &page.rendered.headings,
        last_modified: page.last_modified,
        word_count: page.rendered.word_count,
    })
    .unwrap_or_default();
    // Room for the detail (escaped), the table of contents (about as long
    // again) and the nav, so a large page's document is not copied as it grows.
    let mut out = String::with_capacity(page.rendered.html.len() + detail.len() * 3 + 8192);
    out.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    escape_into(&mut out, &page.title);
    out.push_str(" - ");
    escape_into(&mut out, &site.site_name);
    out.push_str("</title><meta name=\"generator\" content=\"portico-techdocs\">");
    out.push_str(PAGE_DETAIL_META);
    escape_into(&mut out, &detail);
    out.push_str("\"></head><body>\n");
    out.push_str(
        "<div class=\"md-container\"><main class=\"md-main\"><div class=\"md-main__inner\">\n",
    );
    out.push_str("<nav class=\"md-nav md-nav--primary\" aria-label=\"Site\">");
    nav_list(&mut out, &site.nav, &page.url);
    out.push_str(
        "</nav>\n<div class=\"md-content\"><article class=\"md-content__inner md-typeset\">\n",
    );
    out.push_str(CONTENT_START);
    out.push_str(&page.rendered.html);
    out.push_str(CONTENT_END);
    out.push_str("\n</article></div>\n<nav class=\"md-nav md-nav--secondary\" aria-label=\"On this page\"><ul>");
    for heading in page.rendered.headings.iter().filter(|h| h.level > 1) {
        out.push_str("<li><a href=\"#");
        escape_into(&mut out, &heading.id);
        out.push_str("\">");
        escape_into(&mut out, &heading.title);
        out.push_str("</a></li>");
    }
    out.push_str("</ul></nav>\n</div></main></div></body></html>\n");
    out
}

/// The nav around the current page: every top-level entry, and the sections
/// on the way to the page opened (the whole tree in every page would make a
/// site's size grow with the square of its page count).
fn nav_list(out: &mut String, items: &[NavItem], current: &str) {
    out.push_str("<ul>");
    for item in items {
        out.push_str("<li>");
        match &item.url {
            Some(url) => {
                out.push_str("<a href=\"");
                let href = if item.external {
                    url.clone()
                } else {
                    crate::markdown::relative_url(current, url)
                };
                escape_into(out, &href);
                out.push('"');
                if url == current && !item.external {
                    out.push_str(" aria-current=\"page\"");
                }
                out.push('>');
                escape_into(out, &item.title);
                out.push_str("</a>");
            }
            None => escape_into(out, &item.title),
        }
        if !item.children.is_empty() && contains(&item.children, current) {
            nav_list(out, &item.children, current);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

fn contains(items: &[NavItem], url: &str) -> bool {
    items
        .iter()
        .any(|i| (!i.external && i.url.as_deref() == Some(url)) || contains(&i.children, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document whose head holds `detail`, written as pages write it.
    fn document_with(detail: &PageDetail) -> String {
        let written = PageDetailRef {
            title: &detail.title,
            headings: &detail.headings,
            last_modified: detail.last_modified,
            word_count: detail.word_count,
        };
        let mut head = String::from("<html><head><title>x</title>");
        head.push_str(PAGE_DETAIL_META);
        escape_into(&mut head, &serde_json::to_string(&written).unwrap());
        head + "\"></head><body><meta name=\"portico-page\" content=\"{}\"></body></html>"
    }

    #[test]
    fn a_page_carries_its_detail_whatever_its_text() {
        let detail = PageDetail {
            title: r#"Quotes " ' and &quot; <b>&amp;</b>"#.into(),
            headings: vec![Heading { level: 2, id: "a&b".into(), title: "\"><script>".into() }],
            last_modified: Some(-1),
            word_count: usize::MAX,
        };
        let read = page_detail(&document_with(&detail)).expect("read back");
        assert_eq!(read.title, detail.title);
        assert_eq!(read.headings, detail.headings);
        assert_eq!((read.last_modified, read.word_count), (Some(-1), usize::MAX));
    }

    #[test]
    fn documents_without_a_detail_in_their_head_have_none() {
        for document in [
            "",
            "<html><head></head><body></body></html>",
            // Only the head counts: a page's content cannot forge it.
            "<html><head></head><body><meta name=\"portico-page\" content=\"{&quot;title&quot;:&quot;x&quot;,&quot;headings&quot;:[]}\"></body>",
            // Cut short, or not JSON.
            "<head><meta name=\"portico-page\" content=\"{&quot;title",
            "<head><meta name=\"portico-page\" content=\"nope\"></head>",
        ] {
            assert!(page_detail(document).is_none(), "{document}");
        }
    }
}
