//! The `/search` page, rendered on the server: a GET form, so search, type
//! tabs, filters and pages all work without JavaScript and live in the URL.

use crate::api::{Facet, Hit, SearchParams, SearchView, search};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portico_ui::highlight::Marked;
use portico_ui::prelude::*;

/// The document types offered as tabs: (value, label).
const TYPES: [(&str, &str); 3] =
    [("", "All"), ("software-catalog", "Software Catalog"), ("techdocs", "Documentation")];

/// The page's parameters from the URL: `term`, `type`, `filters[field]`, `page`.
fn params_from_url() -> SearchParams {
    let query = use_query_map();
    query.with_untracked(|q| SearchParams {
        term: q.get("term").unwrap_or_default(),
        doc_type: q.get("type").unwrap_or_default(),
        filters: crate::api::FACETS
            .iter()
            .filter_map(|(f, _)| {
                let v = q.get(&format!("filters[{f}]"))?;
                (!v.is_empty()).then(|| ((*f).to_owned(), v))
            })
            .collect(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    })
}

/// A URL for `params` (empty values left out).
fn href(params: &SearchParams) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if !params.term.is_empty() {
        pairs.push(("term".into(), params.term.clone()));
    }
    if !params.doc_type.is_empty() {
        pairs.push(("type".into(), params.doc_type.clone()));
    }
    for (f, v) in &params.filters {
        pairs.push((format!("filters[{f}]"), v.clone()));
    }
    if params.page > 1 {
        pairs.push(("page".into(), params.page.to_string()));
    }
    portico_plugin_api::url::with_query("/search", &pairs)
}

/// `/search`.
#[component]
pub(crate) fn SearchPage() -> impl IntoView {
    let params = params_from_url();
    let results = Resource::new_blocking(params_from_url, search);
    let term = params.term.clone();
    view! {
        <Title text=if term.is_empty() { "Search".to_string() } else { format!("{term} · Search") }/>
        <Page>
            <Header title="Search" subtitle="The catalog and the documentation, in one place"/>
            <Content>
                <form class="pt-search__bar" role="search" method="get" action="/search">
                    <label for="search-term" class="pt-visually-hidden">"Search the portal"</label>
                    <input id="search-term" class="pt-input" type="search" name="term" value=params.term.clone()
                        placeholder="Services, APIs, teams, docs…" autocomplete="off"/>
                    {(!params.doc_type.is_empty()).then(|| view! { <input type="hidden" name="type" value=params.doc_type.clone()/> })}
                    <SubmitInFull label="Search".to_string()/>
                </form>
                <TypeTabs params=params.clone()/>
                <Suspense fallback=|| view! { <Progress label="Searching"/> }>
                    {move || {
                        let params = params.clone();
                        Suspend::new(async move {
                            match results.await {
                                Ok(view) => view! { <Results view=view params=params/> }.into_any(),
                                Err(e) => view! { <ErrorPanel title="The search failed" message=e.to_string()/> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
            </Content>
        </Page>
    }
}

/// The document-type links (All, Software Catalog, Documentation).
#[component]
fn TypeTabs(params: SearchParams) -> impl IntoView {
    let links = TYPES
        .iter()
        .map(|(value, label)| {
            let target = SearchParams { doc_type: (*value).to_owned(), page: 1, ..params.clone() };
            let current = params.doc_type == *value;
            view! {
                <li>
                    <a class="pt-search__type" href=href(&target) aria-current=current.then_some("page")>{*label}</a>
                </li>
            }
        })
        .collect_view();
    view! { <nav class="pt-search__types" aria-label="Result types"><ul>{links}</ul></nav> }
}

#[component]
fn Results(view: SearchView, params: SearchParams) -> impl IntoView {
    let SearchView { total, total_at_least, hits, facets, page, pages, notice } = view;
    let heading = crate::api::results_label(total, total_at_least);
    let empty = hits.is_empty();
    let start = (page - 1) * crate::api::PAGE_SIZE + 1;
    view! {
        <div class="pt-search">
            <Filters facets=facets params=params.clone()/>
            <section class="pt-search__results" aria-labelledby="search-results-heading">
                <h2 id="search-results-heading" aria-live="polite">{heading}</h2>
                {notice.map(|n| view! { <p class="pt-search__notice">{n}</p> })}
                {if empty {
                    view! { <EmptyState title="Nothing found" description="Try fewer words, another spelling, or fewer filters."/> }.into_any()
                } else {
                    view! {
                        <ol class="pt-search__list" start=start.to_string()>
                            {hits.into_iter().map(|hit| view! { <ResultItem hit=hit/> }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <Pager params=params page=page pages=pages/>
            </section>
        </div>
    }
}

#[component]
fn ResultItem(hit: Hit) -> impl IntoView {
    let Hit { type_label, title, snippet, location, meta } = hit;
    view! {
        <li class="pt-search__hit">
            <a class="pt-search__title" href=location><Marked runs=title/></a>
            <div class="pt-search__meta">
                <Badge>{type_label}</Badge>
                {meta.into_iter().map(|m| view! { <span>{m}</span> }).collect_view()}
            </div>
            <p class="pt-search__snippet"><Marked runs=snippet/></p>
        </li>
    }
}

/// The facet filters: a GET form of selects with counts.
#[component]
fn Filters(facets: Vec<Facet>, params: SearchParams) -> impl IntoView {
    let selects = facets
        .into_iter()
        .map(|facet| {
            let id = format!("search-filter-{}", facet.field);
            let name = format!("filters[{}]", facet.field);
            let selected = facet.selected.clone();
            let mut values = facet.values.clone();
            // A selected value with no results still shows, so it can be cleared.
            if let Some(s) = &selected
                && !values.iter().any(|(v, _)| v.eq_ignore_ascii_case(s))
            {
                values.push((s.clone(), 0));
            }
            let options = values.into_iter().map(|(v, n)| {
                let on = selected.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&v));
                let text = format!("{v} ({n})");
                view! { <option value=v selected=on>{text}</option> }
            });
            let options = options.collect_view();
            view! {
                <div class="pt-field">
                    <label for=id.clone()>{facet.label.clone()}</label>
                    <select id=id name=name class="pt-input">
                        <option value="">{format!("Any {}", facet.label.to_lowercase())}</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    let reset = href(&SearchParams { filters: vec![], page: 1, ..params.clone() });
    let active = params.filters.len();
    view! {
        <FilterPanel active=active>
        <form class="pt-search__filters" method="get" action="/search" aria-label="Filters">
            <input type="hidden" name="term" value=params.term.clone()/>
            {(!params.doc_type.is_empty()).then(|| view! { <input type="hidden" name="type" value=params.doc_type.clone()/> })}
            {selects}
            <div class="pt-row">
                <SubmitInFull label="Apply filters".to_string()/>
                <a class="pt-link" href=reset>"Clear filters"</a>
            </div>
        </form>
        </FilterPanel>
    }
}

/// Previous and next page links.
#[component]
fn Pager(params: SearchParams, page: usize, pages: usize) -> impl IntoView {
    (pages > 1).then(|| {
        let prev = (page > 1).then(|| href(&SearchParams { page: page - 1, ..params.clone() }));
        let next = (page < pages).then(|| href(&SearchParams { page: page + 1, ..params.clone() }));
        view! {
            // `external`: the last page may be shorter, and the island router
            // cannot patch a list to another length (docs/adr/0004-islands.md).
            <nav class="pt-search__pager" aria-label="Result pages">
                {prev.map(|h| view! { <a class="pt-link" href=h rel="prev external">"Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {next.map(|h| view! { <a class="pt-link" href=h rel="next external">"Next"</a> })}
            </nav>
        }
    })
}
