//! The page's server function and the types it carries: the wire boundary.

use leptos::prelude::*;
use portico_plugin_api::PortalError;
use serde::{Deserialize, Serialize};

/// Results per page on the search page.
pub const PAGE_SIZE: usize = 20;

/// The facet fields the page filters by, with their labels.
pub const FACETS: [(&str, &str); 5] = [
    ("kind", "Kind"),
    ("type", "Type"),
    ("owner", "Owner"),
    ("lifecycle", "Lifecycle"),
    ("tags", "Tag"),
];

/// What the search page asks: the URL's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub term: String,
    /// One document type, or all when empty.
    pub doc_type: String,
    /// `(field, value)`: kind, lifecycle, owner, type, tags.
    pub filters: Vec<(String, String)>,
    /// 1-based.
    pub page: usize,
}

pub use portico_ui::highlight::{Run, results_label, runs};

/// The label of a document type.
pub fn type_label(doc_type: &str) -> String {
    match doc_type {
        "software-catalog" => "Software Catalog".into(),
        "techdocs" => "Documentation".into(),
        other => other.to_owned(),
    }
}

/// A result's link: portal paths and http(s) URLs only, so a document cannot
/// put a `javascript:` URL on the page.
pub fn safe_location(location: &str) -> String {
    let l = location.trim();
    let portal_path = l.starts_with('/') && !l.starts_with("//");
    if portal_path || l.starts_with("https://") || l.starts_with("http://") {
        l.to_owned()
    } else {
        "/search".to_owned()
    }
}

/// One result as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// `Software Catalog`, `Documentation`, or the raw type.
    pub type_label: String,
    pub title: Vec<Run>,
    pub snippet: Vec<Run>,
    pub location: String,
    /// Short facts: kind, owner, lifecycle; for docs the entity.
    pub meta: Vec<String>,
}

/// A facet's values with their counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub field: String,
    pub label: String,
    pub values: Vec<(String, u64)>,
    pub selected: Option<String>,
}

/// A page of results for the search page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    pub total: usize,
    /// `total` is where counting stopped.
    pub total_at_least: bool,
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
    pub page: usize,
    pub pages: usize,
    /// Set when the term was cut to the longest accepted.
    pub notice: Option<String>,
}

/// Runs the page's search.
#[server(prefix = "/api/search/fn", endpoint = "search")]
pub async fn search(params: SearchParams) -> Result<SearchView, PortalError> {
    crate::server::page(params).await.map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_portal_paths_and_web_urls_are_result_links() {
        assert_eq!(safe_location("/catalog/default/component/x"), "/catalog/default/component/x");
        assert_eq!(safe_location("https://docs.example/x"), "https://docs.example/x");
        assert_eq!(safe_location("javascript:alert(1)"), "/search");
        assert_eq!(safe_location("//evil.example/"), "/search");
    }
}
