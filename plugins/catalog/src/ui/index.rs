//! `/catalog`: the catalog index. Filters, sorting and paging live in the URL
//! (Backstage's `filters[kind]=…` keys), so a view can be shared and works
//! without JavaScript; the server sends one page of rows, never the catalog.

use crate::api::{Facets, IndexPage, IndexQuery, Row, load_index};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portico_ui::prelude::*;

/// Reads the index state from the URL's query map.
fn query_from_url(q: &leptos_router::params::ParamsMap) -> IndexQuery {
    let get = |k: &str| q.get(&format!("filters[{k}]")).filter(|v| !v.is_empty());
    IndexQuery {
        kind: Some(q.get("filters[kind]").unwrap_or_else(|| "component".into())),
        ty: get("type"),
        owner: get("owners"),
        lifecycle: get("lifecycles"),
        tag: get("tags"),
        namespace: get("namespace"),
        text: get("text"),
        processing: get("processing"),
        user: get("user"),
        sort: q.get("sort").map(|s| (s, q.get("dir").unwrap_or_else(|| "asc".into()))),
        offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
    }
}

/// The URL of the index with this state.
fn url_of(q: &IndexQuery) -> String {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.push((format!("filters[{k}]"), v.clone()));
        }
    };
    push("kind", &Some(q.kind.clone().unwrap_or_default()));
    push("type", &q.ty);
    push("owners", &q.owner);
    push("lifecycles", &q.lifecycle);
    push("tags", &q.tag);
    push("namespace", &q.namespace);
    push("text", &q.text);
    push("processing", &q.processing);
    push("user", &q.user);
    if let Some((s, d)) = &q.sort {
        parts.push(("sort".into(), s.clone()));
        parts.push(("dir".into(), d.clone()));
    }
    if q.offset > 0 {
        parts.push(("offset".into(), q.offset.to_string()));
    }
    portico_plugin_api::url::with_query("/catalog", &parts)
}

/// The catalog index page.
#[component]
pub(crate) fn CatalogIndex() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| query.with(query_from_url));
    let data = Resource::new_blocking(move || state.get(), load_index);
    view! {
        <Title text="Catalog"/>
        <Page>
            <Header title="Catalog" subtitle="Every service, API, resource and team, with its owner">
                <LinkButton href="/catalog-import">"Register existing component"</LinkButton>
            </Header>
            <Content>
                <Suspense fallback=|| view! { <Progress label="Loading the catalog"/> }>
                    <ErrorBoundary fallback=|errors| view! {
                        <ErrorPanel title="Could not load the catalog" message=errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()/>
                    }>
                        {move || Suspend::new(async move { data.await.map(|page| view! { <IndexBody page state=state.get_untracked()/> }) })}
                    </ErrorBoundary>
                </Suspense>
            </Content>
        </Page>
    }
}

#[component]
fn IndexBody(page: IndexPage, state: IndexQuery) -> impl IntoView {
    let kind = state.kind.clone().unwrap_or_default();
    let kind_label =
        if kind.is_empty() { "entities".to_owned() } else { format!("{}s", kind.to_lowercase()) };
    let caption = format!("All {kind_label} ({})", page.total);
    let sort = state.sort.clone().and_then(|(k, d)| SortDir::parse(&d).map(|d| (k, d)));
    let for_sort = state.clone();
    let for_page = state.clone();
    // Each part is type-erased: one nested view type this deep overflows a
    // 2 MiB stack when rendered by an unoptimised build.
    let mine = (page.owned, page.starred);
    let filters = view! { <Filters facets=page.facets mine state=state.clone()/> }.into_any();
    let table = view! {
        <Table
            caption=caption
            columns=columns()
            rows=page.rows
            sort=sort
            sort_href=Callback::new(move |(key, dir): (String, SortDir)| {
                let mut q = for_sort.clone();
                q.sort = Some((key, dir.as_str().to_owned()));
                q.offset = 0;
                url_of(&q)
            })
            pagination=Pagination { offset: state.offset, limit: page.limit, total: page.total }
            page_href=Callback::new(move |offset: usize| {
                let mut q = for_page.clone();
                q.offset = offset;
                url_of(&q)
            })
            empty_title="No entities match these filters"
        />
    }
    .into_any();
    view! {
        <div class="pt-catalog">
            {filters}
            <div class="pt-catalog__results">{table}</div>
        </div>
    }
}

fn columns() -> Vec<TableColumn<Row>> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default().into_any();
    let reference = |v: &Option<String>| breakable_ref(v.as_deref().unwrap_or_default());
    vec![
        TableColumn::new("name", "Name", |r: &Row| {
            view! { <a class="pt-link" href=r.href.clone()>{r.label.clone()}</a> }.into_any()
        })
        .sortable(),
        TableColumn::new("system", "System", move |r: &Row| reference(&r.system)).sortable(),
        TableColumn::new("owner", "Owner", move |r: &Row| reference(&r.owner)).sortable(),
        TableColumn::new("type", "Type", move |r: &Row| opt(&r.ty)).sortable(),
        TableColumn::new("lifecycle", "Lifecycle", move |r: &Row| opt(&r.lifecycle)).sortable(),
        TableColumn::new("description", "Description", move |r: &Row| opt(&r.description)),
        TableColumn::new("tags", "Tags", |r: &Row| {
            r.tags
                .clone()
                .into_iter()
                .map(|t| view! { <Badge>{t}</Badge> })
                .collect_view()
                .into_any()
        }),
    ]
}

/// The filter column: a plain GET form, so it works without JavaScript.
#[component]
fn Filters(
    facets: Facets,
    /// How many of the selected kind the viewer owns and starred.
    mine: (i64, i64),
    state: IndexQuery,
) -> impl IntoView {
    let select = |id: &'static str,
                  label: &'static str,
                  name: &'static str,
                  values: Vec<(String, i64)>,
                  current: Option<String>,
                  all: &'static str,
                  show: fn(&str) -> String| {
        let options = values.into_iter().map(|(v, n)| {
            let selected = current.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&v));
            let text = format!("{} ({n})", show(&v));
            view! { <option value=v.clone() selected=selected>{text}</option> }
        });
        let options = options.collect_view();
        view! {
            <div class="pt-field">
                <label for=id>{label}</label>
                <select id=id name=name class="pt-input">
                    <option value="">{all}</option>
                    {options}
                </select>
            </div>
        }
        .into_any()
    };
    let plain: fn(&str) -> String = |v| v.to_owned();
    let short_ref: fn(&str) -> String = |v| {
        let v = v.strip_prefix("group:").unwrap_or(v);
        v.strip_prefix("default/").unwrap_or(v).to_owned()
    };
    let kinds = facets.kinds.into_iter().map(|(k, n)| (k.to_lowercase(), n)).collect::<Vec<_>>();
    let processing = state.processing.clone();
    let user = state.user.clone();
    // The kind always has a value (components by default): not counted.
    let active = [
        &state.text,
        &state.user,
        &state.ty,
        &state.owner,
        &state.lifecycle,
        &state.tag,
        &state.namespace,
        &state.processing,
    ]
    .into_iter()
    .filter(|v| v.is_some())
    .count();
    view! {
        <FilterPanel active=active>
        <form class="pt-catalog__filters" method="get" action="/catalog" aria-label="Catalog filters">
            <div class="pt-field">
                <label for="catalog-text">"Search"</label>
                <input id="catalog-text" class="pt-input" type="search" name="filters[text]" value=state.text.clone().unwrap_or_default() maxlength="200" placeholder="Name, title, description"/>
            </div>
            <div class="pt-field">
                <label for="catalog-user">"Show"</label>
                <select id="catalog-user" name="filters[user]" class="pt-input">
                    <option value="">"All"</option>
                    <option value="owned" selected=user.as_deref() == Some("owned")>{format!("Owned by me ({})", mine.0)}</option>
                    <option value="starred" selected=user.as_deref() == Some("starred")>{format!("Starred ({})", mine.1)}</option>
                </select>
            </div>
            {select("catalog-kind", "Kind", "filters[kind]", kinds, state.kind.clone(), "All kinds", plain)}
            {select("catalog-type", "Type", "filters[type]", facets.types, state.ty.clone(), "All types", plain)}
            {select("catalog-owner", "Owner", "filters[owners]", facets.owners, state.owner.clone(), "All owners", short_ref)}
            {select("catalog-lifecycle", "Lifecycle", "filters[lifecycles]", facets.lifecycles, state.lifecycle.clone(), "All lifecycles", plain)}
            {select("catalog-tag", "Tag", "filters[tags]", facets.tags, state.tag.clone(), "All tags", plain)}
            {select("catalog-namespace", "Namespace", "filters[namespace]", facets.namespaces, state.namespace.clone(), "All namespaces", plain)}
            <div class="pt-field">
                <label for="catalog-processing">"Processing status"</label>
                <select id="catalog-processing" name="filters[processing]" class="pt-input">
                    <option value="">"Any"</option>
                    <option value="error" selected=processing.as_deref() == Some("error")>"Has errors"</option>
                    <option value="orphan" selected=processing.as_deref() == Some("orphan")>"Orphaned"</option>
                </select>
            </div>
            <div class="pt-row">
                <SubmitInFull label="Apply filters".to_string()/>
                <a class="pt-link" href="/catalog">"Reset"</a>
            </div>
        </form>
        </FilterPanel>
    }
}
