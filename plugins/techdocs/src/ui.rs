//! The reader, the `/docs` index and the Docs tab, all rendered on the server:
//! docs are readable with JavaScript off.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use portico_ui::prelude::*;

use crate::api::{
    DocBuild, DocNav, DocPage, DocSearch, DocSite, DocSites, DocView, fetch_page, fetch_sites,
};
use portico_ui::highlight::Marked;

/// `/docs`: every published documentation site, filtered by kind and owner
/// (the filters live in the URL, and work without JavaScript).
#[component]
pub(crate) fn DocsIndex() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| (q.get("kind").unwrap_or_default(), q.get("owner").unwrap_or_default()))
    };
    let sites = Resource::new_blocking(filters, |(kind, owner)| fetch_sites(kind, owner));
    view! {
        <Title text="Documentation"/>
        <Page>
            <Header title="Documentation" subtitle="Docs-like-code sites of the catalog's entities"/>
            <Content>
                <Suspense fallback=|| view! { <Progress label="Loading the documentation index"/> }>
                    {move || Suspend::new(async move {
                        let (kind, owner) = filters();
                        match sites.await {
                            Ok(sites) if sites.total == 0 => view! {
                                <EmptyState
                                    title="No documentation yet"
                                    description="Sites are listed here once they are published."
                                >
                                    <p>
                                        "Annotate an entity with " <code>"backstage.io/techdocs-ref: dir:."</code>
                                        " and open its Docs tab, or publish from CI with "
                                        <code>"portico techdocs publish"</code> "."
                                    </p>
                                </EmptyState>
                            }.into_any(),
                            Ok(sites) => view! { <SiteList sites=sites kind=kind owner=owner/> }.into_any(),
                            Err(e) => view! { <ErrorPanel title="Could not list the documentation" message=e.to_string()/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Content>
        </Page>
    }
}

/// The filters and the table of sites.
#[component]
fn SiteList(sites: DocSites, kind: String, owner: String) -> impl IntoView {
    let DocSites { sites, total, kinds, owners } = sites;
    let active = usize::from(!kind.is_empty()) + usize::from(!owner.is_empty());
    let shown = sites.len();
    let kind_options = kinds.into_iter().map(|k| {
        let selected = k.eq_ignore_ascii_case(&kind);
        let label = k.clone();
        view! { <option value=k selected=selected>{label}</option> }
    });
    let kind_options = kind_options.collect_view().into_any();
    let owner_options = owners.into_iter().map(|(r, label)| {
        let selected = r.eq_ignore_ascii_case(&owner);
        view! { <option value=r selected=selected>{label}</option> }
    });
    let owner_options = owner_options.collect_view().into_any();
    view! {
        <div class="pt-search">
            <FilterPanel active=active>
                <form class="pt-search__filters" method="get" action="/docs" aria-label="Filters">
                    {select_field("kind", "Kind", kind_options)}
                    {select_field("owner", "Owner", owner_options)}
                    <div class="pt-row">
                        <SubmitInFull label="Apply filters".to_string()/>
                        <a class="pt-link" href="/docs">"Clear filters"</a>
                    </div>
                </form>
            </FilterPanel>
            <div class="pt-search__results">
                <p role="status">{sites_label(shown, total)}</p>
                <Table
                    caption="Documentation sites"
                    columns=vec![
                        TableColumn::new("site", "Document", |s: &DocSite| {
                            let (href, title) = (s.href.clone(), s.site_name.clone());
                            view! { <Link href=href>{title}</Link> }.into_any()
                        }),
                        TableColumn::new("entity", "Entity", |s: &DocSite| {
                            breakable_ref(&format!("{}:{}/{}", s.kind, s.namespace, s.name))
                        }),
                        TableColumn::new("owner", "Owner", |s: &DocSite| match (&s.owner_ref, &s.owner) {
                            (Some(r), Some(label)) => {
                                let (href, label) = (owner_href(r), label.clone());
                                view! { <Link href=href>{label}</Link> }.into_any()
                            }
                            _ => "".into_any(),
                        }),
                        TableColumn::new("description", "Description", |s: &DocSite| {
                            s.site_description.clone().unwrap_or_default().into_any()
                        }),
                        TableColumn::new("built", "Built", |s: &DocSite| {
                            s.built_at.clone().unwrap_or_default().into_any()
                        }),
                    ]
                    rows=sites
                    empty_title="No site matches these filters"
                />
            </div>
        </div>
    }
}

/// `3 sites`, `1 site`, `1 of 3 sites`.
fn sites_label(shown: usize, total: usize) -> String {
    let noun = if total == 1 { "site" } else { "sites" };
    if shown == total { format!("{total} {noun}") } else { format!("{shown} of {total} {noun}") }
}

/// A labelled filter `<select>` named `name`, "Any …" first.
fn select_field(name: &'static str, label: &'static str, options: AnyView) -> impl IntoView {
    let id = format!("docs-{name}");
    view! {
        <div class="pt-field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name class="pt-input">
                <option value="">{format!("Any {}", label.to_lowercase())}</option>
                {options}
            </select>
        </div>
    }
}

/// `group:default/team-a` → `/catalog/default/group/team-a`.
fn owner_href(entity_ref: &str) -> String {
    let (kind, rest) = entity_ref.split_once(':').unwrap_or(("group", entity_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!("/catalog/{namespace}/{kind}/{name}").to_ascii_lowercase()
}

/// `/docs/:namespace/:kind/:name/*path`: one page of an entity's docs.
#[component]
pub(crate) fn DocsReaderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let search = query.with(|q| q.get("search").unwrap_or_default());
        params.with(|p| {
            let get = |k: &str| p.get(k).unwrap_or_default();
            (get("namespace"), get("kind"), get("name"), get("path"), search)
        })
    };
    let page = Resource::new_blocking(key, |(namespace, kind, name, path, search)| {
        fetch_page(namespace, kind, name, path, search)
    });
    // The title is outside the Suspense, read from the resource: set from
    // inside it, it was sometimes missing from the server-rendered <head>
    // when loading the page hopped threads.
    let title = move || match page.get() {
        Some(Ok(DocView::Page(page))) => format!("{} · {}", page.title, page.site_name),
        Some(Ok(DocView::Pending { .. })) => "Building the documentation".to_owned(),
        Some(Err(_)) => "Documentation not found".to_owned(),
        None => "Documentation".to_owned(),
    };
    view! {
        <Title text=title/>
        <Suspense fallback=|| view! { <Progress label="Loading the page"/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => view! { <Page>{doc_view(view)}</Page> }.into_any(),
                    Err(e) => view! { <NotFound message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A page of docs, or the build it waits for.
fn doc_view(view: DocView) -> AnyView {
    match view {
        DocView::Page(page) => view! { <Reader page=*page/> }.into_any(),
        DocView::Pending { entity_ref, entity_href, build } => {
            view! { <Pending entity_ref entity_href progress=build/> }.into_any()
        }
    }
}

/// Nothing published yet: the first build runs (its log, live), or failed.
#[component]
fn Pending(entity_ref: String, entity_href: String, progress: DocBuild) -> impl IntoView {
    let DocBuild { building, failure, log, sync_url } = progress;
    let title = if building {
        "The documentation is being built"
    } else {
        "The documentation could not be built"
    };
    view! {
        <header class="pt-header pt-docs__header">
            <div class="pt-header__text">
                {kicker(entity_ref, entity_href)}
                <h1 class="pt-header__title">{title}</h1>
            </div>
        </header>
        <Content>
            {if building {
                view! {
                    <p>"This is the first build of this site. The page opens when it is published; without JavaScript, "
                        <a class="pt-link" href="">"reload the page"</a> " in a moment."</p>
                }.into_any()
            } else {
                view! { <ErrorPanel title="The build failed" message=failure.unwrap_or_default()/> }.into_any()
            }}
            <crate::addons::BuildLog sync_url=sync_url log=log building=building reload_when_done=true
                status=if building { "Building the documentation…".to_string() } else { String::new() }/>
        </Content>
    }
}

/// The docs header's first line: whose documentation this is.
fn kicker(entity_ref: String, entity_href: String) -> impl IntoView {
    view! {
        <p class="pt-header__kicker">"Documentation · " <a class="pt-docs__entity" href=entity_href>{entity_ref}</a></p>
    }
}

/// No such site or page.
#[component]
fn NotFound(message: String) -> impl IntoView {
    view! {
        <Page>
            <Header title="Documentation not found"/>
            <Content>
                <EmptyState title="This page is not available" description=message>
                    <Link href="/docs".to_string()>"All documentation"</Link>
                </EmptyState>
            </Content>
        </Page>
    }
}

/// The Docs tab of an entity with `backstage.io/techdocs-ref`: its documentation's home page.
pub(crate) fn entity_tab(entity: portico_plugin_api::Entity) -> AnyView {
    let key = (
        entity.namespace().to_string(),
        entity.kind.to_ascii_lowercase(),
        entity.metadata.name.clone(),
    );
    let page = Resource::new_blocking(
        move || key.clone(),
        |(namespace, kind, name)| fetch_page(namespace, kind, name, String::new(), String::new()),
    );
    view! {
        <Suspense fallback=|| view! { <Progress label="Loading the documentation"/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => doc_view(view),
                    Err(e) => view! {
                        <EmptyState title="No documentation published yet" description=e.to_string()/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// Site nav, content and table of contents.
#[component]
fn Reader(page: DocPage) -> impl IntoView {
    let DocPage {
        title,
        site_name,
        site_description,
        entity_ref,
        entity_href,
        href,
        html,
        headings,
        nav,
        edit_url,
        source_url,
        built_at,
        last_modified,
        etag,
        generator,
        events_url,
        live_reload,
        build,
        search,
        ..
    } = page;
    let term = search.as_ref().map(|s| s.term.clone()).unwrap_or_default();
    let results = search.map(search_results);
    // A running build speaks for itself (its status line changes when it
    // ends, and LiveReload offers the new version); a failed one is a warning.
    let build = build.map(|DocBuild { building, failure, log, sync_url }| {
        if building {
            let status = "A newer version of this documentation is being built; this is the last one published.";
            view! {
                <crate::addons::BuildLog sync_url=sync_url log=log building=true reload_when_done=false status=status.to_string()/>
            }
            .into_any()
        } else {
            view! {
                <WarningPanel title="The last build of this documentation failed; this is the last one published." message=failure.unwrap_or_default()>
                    <crate::addons::BuildLog sync_url=sync_url log=log building=false reload_when_done=false status=String::new()/>
                </WarningPanel>
            }
            .into_any()
        }
    });
    let short_etag: String = etag.chars().take(12).collect();
    let diagrams = crate::diagrams::has_diagrams(&html)
        .then(|| view! { <crate::diagrams::Diagrams script=crate::diagrams::SCRIPT.to_string()/> });
    // Only for repositories that take issues through a form the reader can fill.
    let report = source_url.clone().filter(|u| crate::addons::issue_form(u).is_some()).map(|repo_url| {
        view! { <crate::addons::ReportIssue repo_url=repo_url page_title=title edit_url=edit_url.clone()/> }
    });
    view! {
        <header class="pt-header pt-docs__header">
            <div class="pt-header__text">
                {kicker(entity_ref, entity_href)}
                <p class="pt-header__title">{site_name.clone()}</p>
                {site_description.map(|d| view! { <p class="pt-header__subtitle">{d}</p> })}
            </div>
            <form class="pt-docs__search" role="search" method="get" action=href
                aria-label=format!("Search {site_name}")>
                <label for="pt-docs-search" class="pt-visually-hidden">{format!("Search {site_name}")}</label>
                <input id="pt-docs-search" class="pt-input" type="search" name="search" value=term
                    placeholder="Search this site" autocomplete="off" maxlength="200"/>
                <SubmitInFull label="Search".to_string()/>
            </form>
        </header>
        <div class="pt-docs">
            <nav class="pt-docs__nav" aria-label=format!("{site_name} pages")>
                {nav.iter().any(|item| !item.children.is_empty()).then(|| view! { <crate::addons::ExpandNav/> })}
                {(!nav.is_empty()).then(|| nav_list(nav))}
            </nav>
            <div class="pt-docs__main">
                <div class="pt-docs__meta">
                    {last_modified.map(|m| view! { <span>{format!("Last updated {m}")}</span> })}
                    {built_at.map(|b| view! { <span>"Built " {b} " by " {generator} " from " <code>{short_etag}</code></span> })}
                    {edit_url.map(|u| view! { <a href=u rel="noopener noreferrer">"Edit this page"</a> })}
                    {source_url.map(|u| view! { <a href=u rel="noopener noreferrer">"View source"</a> })}
                    <crate::addons::TextSize/>
                </div>
                <crate::addons::LiveReload events_url=events_url auto=live_reload/>
                {build}
                {results}
                <article class="pt-docs__content" inner_html=html></article>
                {diagrams}
                <crate::addons::LightBox/>
                {report}
            </div>
            <nav class="pt-docs__toc" aria-label="On this page">
                {(!headings.is_empty()).then(|| view! {
                    <p class="pt-docs__toc-title">"On this page"</p>
                    <ul>
                        {headings.into_iter().map(|h| view! {
                            <li class=format!("pt-docs__toc-l{}", h.level)><a href=format!("#{}", h.id)>{h.title}</a></li>
                        }).collect_view()}
                    </ul>
                })}
            </nav>
        </div>
    }
}

/// The in-site search's results, above the page they were asked from.
fn search_results(search: DocSearch) -> impl IntoView {
    let DocSearch { term, label, hits } = search;
    view! {
        <section class="pt-docs__results" aria-labelledby="pt-docs-results-title">
            <h2 id="pt-docs-results-title">{format!("{label} for “{term}” in this site")}</h2>
            <ol>
                {hits.into_iter().map(|hit| view! {
                    <li>
                        <a href=hit.href><Marked runs=hit.title/></a>
                        {hit.page.map(|p| view! { <span class="pt-docs__result-page">{format!(" · {p}")}</span> })}
                        <p><Marked runs=hit.snippet/></p>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The site nav: nested lists, sections as `<details>` (open on the way to the current page).
fn nav_list(items: Vec<DocNav>) -> AnyView {
    view! {
        <ul>
            {items.into_iter().map(|item| {
                let link = item.href.clone().map(|href| view! {
                    <a href=href aria-current=item.current.then_some("page")
                       rel=item.external.then_some("noopener noreferrer")>{item.title.clone()}</a>
                });
                let children = (!item.children.is_empty()).then(|| view! {
                    <details open=item.open>
                        <summary>{item.title.clone()}</summary>
                        {nav_list(item.children)}
                    </details>
                });
                view! { <li>{link}{children}</li> }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
