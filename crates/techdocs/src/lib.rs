//! TechDocs, built natively: the engine behind `portico techdocs build` and the
//! portal's Docs tab.
//!
//! It reads a repository's `mkdocs.yml` and docs folder the way MkDocs with
//! mkdocs-techdocs-core does (the same source syntax, so existing sites move
//! over unchanged) and produces sanitised HTML pages, the nav, a search index
//! and `techdocs_metadata.json`, in Backstage's published layout.
//!
//! * [`config`]: mkdocs.yml (`INHERIT`, `!include` sub-sites, `!ENV`), paths kept inside the repository.
//! * [`markdown`]: one page, Markdown to safe HTML, with its headings, search sections and links.
//! * [`site`]: every page of a site, rendered in parallel, the nav, link and anchor checks.
//! * `history`: each page's last change, from git (gix), when the repository has history.
//! * [`output`]: the files of a built site and their atomic write to a folder.
//! * [`diagnostic`]: problems with file and line; `--strict` promotes link and image problems.
//!
//! Pure apart from reading the repository and [`output::write_site`]; nothing
//! here knows about the portal, storage or HTTP.

pub mod config;
pub mod diagnostic;
mod history;
pub mod markdown;
pub mod output;
mod paths;
pub mod site;
mod yaml;

pub use diagnostic::{Check, Diagnostic, Severity};
pub use site::{BuildOptions, NavItem, Rebuild, Site, build, rebuild};
