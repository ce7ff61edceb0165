//! The data table: sortable columns, server-side pagination, an empty state.
//!
//! The table owns no data and no state. Sorting and paging are links built by
//! the caller (`sort_href`, `page_href`), so the state lives in the URL: a view
//! can be shared, works without JavaScript, and the server fetches only the
//! page it shows.

use crate::feedback::EmptyState;
use crate::icon::Glyph;
use leptos::prelude::*;
use std::sync::Arc;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    /// A to Z.
    Asc,
    /// Z to A.
    Desc,
}

impl SortDir {
    /// `asc` or `desc`, as in URLs.
    pub const fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }

    /// Parses `asc` / `desc`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "asc" => Some(SortDir::Asc),
            "desc" => Some(SortDir::Desc),
            _ => None,
        }
    }
}

/// One column: a key (for sorting), a heading and how to draw a cell.
pub struct TableColumn<T> {
    key: &'static str,
    title: &'static str,
    sortable: bool,
    cell: Arc<dyn Fn(&T) -> AnyView + Send + Sync>,
}

impl<T> Clone for TableColumn<T> {
    fn clone(&self) -> Self {
        Self { key: self.key, title: self.title, sortable: self.sortable, cell: self.cell.clone() }
    }
}

impl<T> TableColumn<T> {
    /// A column that draws each cell with `cell`.
    pub fn new(
        key: &'static str,
        title: &'static str,
        cell: impl Fn(&T) -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Self { key, title, sortable: false, cell: Arc::new(cell) }
    }

    /// Lets the user sort by this column.
    pub fn sortable(mut self) -> Self {
        self.sortable = true;
        self
    }
}

/// Cell text with a line-break opportunity after each `:` and `/`, so an
/// entity ref (`group:default/payments-platform-team`) wraps at its parts in
/// a narrow column instead of widening the table past its region.
pub fn breakable_ref(text: &str) -> AnyView {
    let mut parts: Vec<String> = text.split_inclusive([':', '/']).map(str::to_owned).collect();
    let last = parts.pop().unwrap_or_default();
    let broken = parts.into_iter().map(|part| view! { {part}<wbr/> }).collect_view();
    view! { {broken}{last} }.into_any()
}

/// Where the table is in the full result set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// Index of the first row shown.
    pub offset: usize,
    /// Rows per page.
    pub limit: usize,
    /// Rows in the whole result set.
    pub total: usize,
}

impl Pagination {
    /// The offset of the previous page, if there is one.
    pub fn prev(&self) -> Option<usize> {
        (self.offset > 0).then(|| self.offset.saturating_sub(self.limit.max(1)))
    }

    /// The offset of the next page, if there is one.
    pub fn next(&self) -> Option<usize> {
        let next = self.offset + self.limit.max(1);
        (next < self.total).then_some(next)
    }

    /// "21–40 of 134".
    pub fn summary(&self) -> String {
        if self.total == 0 {
            return "0 of 0".into();
        }
        let last = (self.offset + self.limit).min(self.total);
        format!("{}–{} of {}", self.offset + 1, last, self.total)
    }
}

/// A data table.
#[component]
pub fn Table<T: Send + Sync + 'static>(
    /// A caption naming the table (read by screen readers; shown).
    #[prop(into)]
    caption: String,
    /// The columns.
    columns: Vec<TableColumn<T>>,
    /// The rows of the current page.
    rows: Vec<T>,
    /// The current sort, if any: `(column key, direction)`.
    #[prop(optional_no_strip)]
    sort: Option<(String, SortDir)>,
    /// Builds the link that sorts by a column in a direction.
    #[prop(optional, into)]
    sort_href: Option<Callback<(String, SortDir), String>>,
    /// Paging, when the rows are one page of more.
    #[prop(optional)]
    pagination: Option<Pagination>,
    /// Builds the link to the page starting at an offset.
    #[prop(optional, into)]
    page_href: Option<Callback<usize, String>>,
    /// What to say when there are no rows.
    #[prop(optional, into)]
    empty_title: Option<String>,
) -> impl IntoView {
    let headers = columns
        .iter()
        .map(|col| {
            let current = sort.as_ref().filter(|(k, _)| k == col.key).map(|(_, d)| *d);
            let aria_sort = match current {
                Some(SortDir::Asc) => "ascending",
                Some(SortDir::Desc) => "descending",
                None => "none",
            };
            let title = col.title;
            match (col.sortable, sort_href) {
                (true, Some(href)) => {
                    let next = if current == Some(SortDir::Asc) { SortDir::Desc } else { SortDir::Asc };
                    let glyph = match current {
                        Some(SortDir::Asc) => "sort-asc",
                        Some(SortDir::Desc) => "sort-desc",
                        None => "sort",
                    };
                    let link = href.run((col.key.to_owned(), next));
                    view! {
                        <th scope="col" aria-sort=aria_sort>
                            <a class="pt-table__sort" href=link>{title}<Glyph name=glyph size=14/></a>
                        </th>
                    }
                    .into_any()
                }
                _ => view! { <th scope="col">{title}</th> }.into_any(),
            }
        })
        .collect_view();
    let body = if rows.is_empty() {
        let message = empty_title.unwrap_or_else(|| "Nothing to show".into());
        view! {
            <tr><td colspan=columns.len()><EmptyState title=message/></td></tr>
        }
        .into_any()
    } else {
        rows.iter()
            .map(|row| {
                let cells =
                    columns.iter().map(|c| view! { <td>{(c.cell)(row)}</td> }).collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view()
            .into_any()
    };
    // Another page of rows may be shorter (the last one), and the island
    // router cannot patch a list to another length (docs/adr/0004-islands.md):
    // `external` has these links load their page in full, as without JavaScript.
    let pager = pagination.zip(page_href).map(|(p, href)| {
        let prev = p.prev().map(|o| href.run(o));
        let next = p.next().map(|o| href.run(o));
        view! {
            <nav class="pt-table__pager" aria-label=format!("{caption} pages")>
                <span class="pt-table__summary" aria-live="polite">{p.summary()}</span>
                {match prev {
                    Some(h) => view! { <a class="pt-button pt-button--secondary" href=h rel="prev external">"Previous"</a> }.into_any(),
                    None => view! { <span class="pt-button pt-button--secondary" aria-disabled="true">"Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(h) => view! { <a class="pt-button pt-button--secondary" href=h rel="next external">"Next"</a> }.into_any(),
                    None => view! { <span class="pt-button pt-button--secondary" aria-disabled="true">"Next"</span> }.into_any(),
                }}
            </nav>
        }
    });
    view! {
        <div class="pt-table">
            <div class="pt-table__scroll" tabindex="0" role="region" aria-label=caption.clone()>
                <table>
                    <caption>{caption.clone()}</caption>
                    <thead><tr>{headers}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {pager}
        </div>
    }
}
