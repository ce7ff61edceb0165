//! `/catalog/:namespace/:kind/:name[/:tab]`: the entity page. A header with
//! the entity's kind, owner, lifecycle and warnings; tabs as links (each tab is
//! its own URL, as in Backstage): Overview (About and relation cards, plus
//! cards other plugins contribute), Relations (the graph), then every tab
//! another plugin contributes for this entity.

use crate::api::{EntityPage, Graph, Related, SetStar, load_entity, load_graph};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use portico_catalog_model::Entity;
use portico_catalog_model::relations::PAIRS;
use portico_plugin_api::Registry;
use portico_ui::prelude::*;

/// The entity page.
#[component]
pub(crate) fn EntityView() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| {
            (
                p.get("kind").unwrap_or_default(),
                p.get("namespace").unwrap_or_default(),
                p.get("name").unwrap_or_default(),
                p.get("tab").unwrap_or_default(),
            )
        })
    });
    let data = Resource::new_blocking(
        move || {
            let (k, ns, n, _) = key.get();
            (k, ns, n)
        },
        |(k, ns, n)| load_entity(k, ns, n),
    );
    view! {
        <Suspense fallback=|| view! { <Progress label="Loading the entity"/> }>
            <ErrorBoundary fallback=|errors| view! {
                <Page><Header title="Entity"/><Content>
                    <ErrorPanel title="Could not load this entity" message=errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()/>
                </Content></Page>
            }>
                {move || Suspend::new(async move { data.await.map(|found| match found {
                    Some(page) => view! { <Loaded page tab=key.get().3/> }.into_any(),
                    None => view! { <Missing/> }.into_any(),
                }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Missing() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Entity not found"/>
        <Page>
            <Header title="Entity not found"/>
            <Content>
                <EmptyState title="There is no such entity in the catalog" description="It may have been removed, or the address may be mistyped.">
                    <LinkButton href="/catalog">"Back to the catalog"</LinkButton>
                </EmptyState>
            </Content>
        </Page>
    }
}

fn base_href(e: &Entity) -> String {
    format!("/catalog/{}/{}/{}", e.namespace(), e.kind.to_lowercase(), e.metadata.name)
}

#[component]
fn Loaded(page: EntityPage, tab: String) -> impl IntoView {
    let entity = page.entity.clone();
    let base = base_href(&entity);
    let registry = Registry::current();
    let plugin_tabs = registry.entity_tabs(&entity);
    let mut tabs: Vec<(String, String)> =
        vec![("".into(), "Overview".into()), ("relations".into(), "Relations".into())];
    tabs.extend(plugin_tabs.iter().map(|t| (t.slug.to_owned(), t.title.to_owned())));
    let known = tabs.iter().any(|(slug, _)| *slug == tab);
    let tab = if known { tab } else { String::new() };
    let nav = tabs
        .iter()
        .map(|(slug, title)| {
            let href = if slug.is_empty() { base.clone() } else { format!("{base}/{slug}") };
            let current = (*slug == tab).then_some("page");
            view! { <li><a class="pt-entity-tabs__link" href=href aria-current=current>{title.clone()}</a></li> }
        })
        .collect_view();
    let body = match tab.as_str() {
        "" => view! { <Overview page=page.clone()/> }.into_any(),
        "relations" => view! { <RelationsTab entity=entity.clone()/> }.into_any(),
        slug => plugin_tabs
            .iter()
            .find(|t| t.slug == slug)
            .map(|t| (t.view)(entity.clone()))
            .unwrap_or_else(|| ().into_any()),
    };
    let kicker = match entity.spec_type() {
        Some(t) => format!("{} — {t}", entity.kind),
        None => entity.kind.clone(),
    };
    let title_text = entity.display_name().to_owned();
    let owner = entity.spec_str("owner").map(str::to_owned);
    let lifecycle = entity.spec_str("lifecycle").map(str::to_owned);
    let orphan = entity.annotation("backstage.io/orphan") == Some("true");
    let errors: Vec<String> = entity
        .status
        .as_ref()
        .map(|s| s.items.iter().filter(|i| i.level == "error").map(|i| i.message.clone()).collect())
        .unwrap_or_default();
    view! {
        <Title text=title_text.clone()/>
        <Page>
            <Header title=title_text kicker=kicker subtitle=entity.metadata.description.clone().unwrap_or_default()>
                <dl class="pt-entity-labels">
                    {owner.map(|o| view! { <div><dt>"Owner"</dt><dd><RefLink value=o default_kind="group" namespace=entity.namespace().to_owned()/></dd></div> })}
                    {lifecycle.map(|l| view! { <div><dt>"Lifecycle"</dt><dd>{l}</dd></div> })}
                </dl>
                // A plain form: works without JavaScript (the server sends the browser back).
                <form method="post" action=SetStar::url() class="pt-entity-star">
                    <input type="hidden" name="entity_ref" value=entity.entity_ref()/>
                    <input type="hidden" name="star" value=(!page.starred).to_string()/>
                    <Button r#type="submit" variant=ButtonVariant::Secondary pressed=page.starred>
                        <span aria-hidden="true">{if page.starred { "★ " } else { "☆ " }}</span>"Star"
                    </Button>
                </form>
            </Header>
            <nav class="pt-entity-tabs" aria-label="Entity sections"><ul>{nav}</ul></nav>
            <Content>
                {orphan.then(|| view! {
                    <WarningPanel title="This entity is an orphan" message="No location provides it any more: its catalog-info.yaml was moved or deleted. Unregister it, or restore the file."/>
                })}
                {(!errors.is_empty()).then(|| view! {
                    <ErrorPanel title="This entity has processing errors" message="The catalog keeps showing its last good version until they are fixed.">
                        <ul class="pt-problems">{errors.into_iter().map(|m| view! { <li><code>{m}</code></li> }).collect_view()}</ul>
                    </ErrorPanel>
                })}
                {body}
            </Content>
        </Page>
    }
}

/// A link to an entity written as a reference in the entity's spec.
#[component]
fn RefLink(value: String, default_kind: &'static str, namespace: String) -> impl IntoView {
    let context = portico_catalog_model::RefContext {
        default_kind: Some(default_kind),
        default_namespace: &namespace,
    };
    match portico_catalog_model::EntityRef::parse(&value, context) {
        Ok(r) => {
            let href = format!(
                "/catalog/{}/{}/{}",
                r.namespace.to_lowercase(),
                r.kind.to_lowercase(),
                r.name
            );
            view! { <a class="pt-link" href=href>{value}</a> }.into_any()
        }
        Err(_) => value.into_any(),
    }
}

#[component]
fn Overview(page: EntityPage) -> impl IntoView {
    let entity = page.entity.clone();
    let cards = Registry::current().entity_cards(&entity);
    let extra = cards.into_iter().map(|c| (c.view)(entity.clone())).collect_view();
    let kind = entity.kind.to_lowercase();
    let related = page.related;
    let team_owned = page.team_owned;
    let card = move |title: &'static str, relation: &'static str, empty: &'static str| {
        let items: Vec<Related> =
            related.iter().filter(|r| r.relation == relation).cloned().collect();
        view! { <RelatedCard title items empty/> }
    };
    let cards = match kind.as_str() {
        "component" => view! {
            {card("Provided APIs", "providesApi", "This component provides no APIs.")}
            {card("Consumed APIs", "consumesApi", "This component consumes no APIs.")}
            {card("Depends on", "dependsOn", "No dependencies declared.")}
            {card("Dependents", "dependencyOf", "Nothing declares a dependency on this.")}
            {card("Subcomponents", "hasPart", "No subcomponents.")}
        }
        .into_any(),
        "api" => view! {
            {card("Providers", "apiProvidedBy", "No component provides this API.")}
            {card("Consumers", "apiConsumedBy", "No component consumes this API.")}
        }
        .into_any(),
        "system" => view! {
            {card("Has parts", "hasPart", "This system has no components, APIs or resources yet.")}
        }
        .into_any(),
        "domain" => {
            view! { {card("Systems", "hasPart", "This domain has no systems yet.")} }.into_any()
        }
        "resource" => view! {
            {card("Depends on", "dependsOn", "No dependencies declared.")}
            {card("Dependents", "dependencyOf", "Nothing declares a dependency on this.")}
        }
        .into_any(),
        "group" => view! {
            {card("Members", "hasMember", "This group has no members.")}
            {card("Parent team", "childOf", "This is a top-level group.")}
            {card("Child teams", "parentOf", "This group has no child groups.")}
            {card("Owns", "ownerOf", "This group owns nothing yet.")}
            <RelatedCard title="Owned by child teams" items=team_owned empty="No team below this one owns anything."/>
        }
        .into_any(),
        "user" => view! {
            {card("Member of", "memberOf", "Not a member of any group.")}
            {card("Owns", "ownerOf", "Owns nothing directly.")}
            <RelatedCard title="Owned by my teams" items=team_owned empty="The groups of this user own nothing."/>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <div class="pt-grid">
            <About entity=entity.clone()/>
            {cards}
            {extra}
        </div>
    }
}

#[component]
fn About(entity: Entity) -> impl IntoView {
    let ns = entity.namespace().to_owned();
    let field = |label: &'static str, value: AnyView| view! { <div class="pt-about__field"><dt>{label}</dt><dd>{value}</dd></div> };
    let text = |v: Option<&str>| v.map(str::to_owned).unwrap_or_else(|| "—".into()).into_any();
    let link = move |v: Option<&str>, kind: &'static str| match v {
        Some(v) => view! { <RefLink value=v.to_owned() default_kind=kind namespace=ns.clone()/> }
            .into_any(),
        None => "—".into_any(),
    };
    let source = entity
        .annotation("backstage.io/view-url")
        .map(str::to_owned)
        .or_else(|| {
            entity
                .annotation("backstage.io/source-location")
                .and_then(|s| s.strip_prefix("url:"))
                .map(str::to_owned)
        })
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let edit = entity
        .annotation("backstage.io/edit-url")
        .map(str::to_owned)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let links = entity
        .metadata
        .links
        .iter()
        .filter(|l| l.url.starts_with("https://") || l.url.starts_with("http://") || l.url.starts_with("mailto:"))
        .map(|l| view! { <li><a class="pt-link" href=l.url.clone() rel="noopener noreferrer">{l.title.clone().unwrap_or_else(|| l.url.clone())}</a></li> })
        .collect_view();
    let tags = entity
        .metadata
        .tags
        .clone()
        .into_iter()
        .map(|t| view! { <Badge>{t}</Badge> })
        .collect_view();
    let profile = &entity.spec["profile"];
    let email = profile["email"].as_str().map(str::to_owned);
    let domain = entity.spec_str("domain").map(str::to_owned);
    view! {
        <InfoCard title="About">
            <p class="pt-about__description">{entity.metadata.description.clone().unwrap_or_else(|| "No description.".into())}</p>
            <dl class="pt-about">
                {field("Owner", link(entity.spec_str("owner"), "group"))}
                {field("System", link(entity.spec_str("system"), "system"))}
                {domain.map(|d| field("Domain", link(Some(&d), "domain")))}
                {field("Type", text(entity.spec_type()))}
                {field("Lifecycle", text(entity.spec_str("lifecycle")))}
                {email.map(|e| field("Email", view! { <a class="pt-link" href=format!("mailto:{e}")>{e.clone()}</a> }.into_any()))}
                {field("Tags", view! { <span class="pt-row">{tags}</span> }.into_any())}
            </dl>
            <ul class="pt-about__links">
                {source.map(|s| view! { <li><a class="pt-link" href=s rel="noopener noreferrer">"View source"</a></li> })}
                {edit.map(|s| view! { <li><a class="pt-link" href=s rel="noopener noreferrer">"Edit metadata"</a></li> })}
                {links}
            </ul>
        </InfoCard>
    }
}

#[component]
fn RelatedCard(title: &'static str, items: Vec<Related>, empty: &'static str) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="pt-muted">{empty}</p> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|r| match r.row {
                Some(row) => view! {
                    <li>
                        <a class="pt-link" href=row.href.clone()>{humanized(&row.label, &r.entity_ref)}</a>
                        " " <Badge>{r.kind.clone()}</Badge>
                        {row.ty.clone().map(|t| view! { " " <span class="pt-muted">{t}</span> })}
                        {r.via.clone().map(|g| view! { " " <span class="pt-muted">{format!("via {}", short_ref(&g))}</span> })}
                    </li>
                }
                .into_any(),
                None => view! {
                    <li><span>{r.entity_ref.clone()}</span> " " <Badge tone=BadgeTone::Warning>"missing"</Badge></li>
                }
                .into_any(),
            })
            .collect_view();
        view! { <ul class="pt-related">{rows}</ul> }.into_any()
    };
    view! { <InfoCard title=title>{body}</InfoCard> }
}

/// The Relations tab: the graph, with depth and relation-type controls in the URL.
#[component]
fn RelationsTab(entity: Entity) -> impl IntoView {
    let query = use_query_map();
    let entity_ref = entity.entity_ref();
    let controls = Memo::new(move |_| {
        query.with(|q| {
            let depth =
                q.get("depth").and_then(|d| d.parse::<usize>().ok()).unwrap_or(1).clamp(1, 4);
            let relations: Vec<String> = q
                .get_all("relation")
                .unwrap_or_default()
                .into_iter()
                .filter(|r| PAIRS.iter().any(|(forward, _)| forward == r))
                .collect();
            (depth, relations)
        })
    });
    let graph = Resource::new_blocking(
        move || (entity_ref.clone(), controls.get()),
        |(r, (d, rel))| load_graph(r, d, rel),
    );
    let base = format!("{}/relations", base_href(&entity));
    view! {
        <InfoCard title="Relations">
            <form class="pt-row pt-graph__controls" method="get" action=base aria-label="Graph options">
                <div class="pt-field">
                    <label for="graph-depth">"Depth"</label>
                    <select id="graph-depth" name="depth" class="pt-input">
                        {move || (1..=4).map(|d| view! { <option value=d.to_string() selected=controls.get().0 == d>{d.to_string()}</option> }).collect_view()}
                    </select>
                </div>
                <fieldset class="pt-graph__relations">
                    <legend>"Relations"</legend>
                    {move || {
                        let chosen = controls.get().1;
                        PAIRS.iter().map(|(r, _)| {
                            let id = format!("graph-rel-{r}");
                            let checked = chosen.is_empty() || chosen.iter().any(|c| c == r);
                            view! { <span class="pt-check"><input type="checkbox" id=id.clone() name="relation" value=*r checked=checked/><label for=id>{*r}</label></span> }
                        }).collect_view()
                    }}
                </fieldset>
                <Button r#type="submit">"Update"</Button>
            </form>
            <Suspense fallback=|| view! { <Progress label="Laying out the graph"/> }>
                {move || Suspend::new(async move { match graph.await {
                    Ok(g) => view! { <GraphSvg graph=g/> }.into_any(),
                    Err(e) => view! { <ErrorPanel title="Could not draw the graph" message=e.to_string()/> }.into_any(),
                } })}
            </Suspense>
        </InfoCard>
    }
}

/// Draws a laid-out graph as SVG: boxes link to their entities.
#[component]
pub(crate) fn GraphSvg(graph: Graph) -> impl IntoView {
    let (w, h) = graph.node_size;
    let edges = graph
        .edges
        .iter()
        .map(|e| {
            let same_column = (e.from.0 - e.to.0).abs() < 1.0;
            let mx = if same_column { e.from.0 + 60.0 } else { (e.from.0 + e.to.0) / 2.0 };
            let my = (e.from.1 + e.to.1) / 2.0 - 6.0;
            let d = format!("M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", e.from.0, e.from.1, mx, e.from.1, mx, e.to.1, e.to.0, e.to.1);
            view! {
                <g class="pt-graph__edge">
                    <path d=d marker-end="url(#pt-arrow)"/>
                    <text x=format!("{mx:.1}") y=format!("{my:.1}") text-anchor="middle">{e.label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let nodes = graph
        .nodes
        .iter()
        .map(|n| {
            let class = if n.root { "pt-graph__node pt-graph__node--root" } else { "pt-graph__node" };
            let label: String = n.label.chars().take(26).collect();
            let inner = view! {
                <rect x=format!("{:.1}", n.x) y=format!("{:.1}", n.y) width=w height=h rx="6"/>
                <text x=format!("{:.1}", n.x + 10.0) y=format!("{:.1}", n.y + 18.0) class="pt-graph__kind">{n.kind.clone()}</text>
                <text x=format!("{:.1}", n.x + 10.0) y=format!("{:.1}", n.y + 36.0) class="pt-graph__label">{label}</text>
            };
            match &n.href {
                Some(href) => view! { <g class=class><a href=href.clone() aria-label=format!("{} {}", n.kind, n.label)>{inner}</a></g> }.into_any(),
                None => view! { <g class=format!("{class} pt-graph__node--missing")>{inner}</g> }.into_any(),
            }
        })
        .collect_view();
    let summary = format!("{} entities, {} relations", graph.nodes.len(), graph.edges.len());
    view! {
        <div class="pt-graph" role="region" aria-label="Relations graph" tabindex="0">
            <svg viewBox=format!("0 0 {:.0} {:.0}", graph.width, graph.height) width=format!("{:.0}", graph.width) height=format!("{:.0}", graph.height)>
                <title>{summary}</title>
                <defs>
                    <marker id="pt-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z"/>
                    </marker>
                </defs>
                {edges}
                {nodes}
            </svg>
        </div>
    }
}

/// `group:default/team-a` as `team-a` (the namespace only when not default).
fn short_ref(entity_ref: &str) -> &str {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, rest)| rest);
    rest.strip_prefix("default/").unwrap_or(rest)
}

/// A related entity's link text, as Backstage writes it: the title or name,
/// with the namespace in front when it is not `default` and the name is
/// shown (two `guest` users in two namespaces must not look the same).
fn humanized(label: &str, entity_ref: &str) -> String {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, rest)| rest);
    match rest.split_once('/') {
        Some((namespace, name)) if namespace != "default" && name.eq_ignore_ascii_case(label) => {
            format!("{namespace}/{label}")
        }
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_texts_name_the_namespace_only_when_it_matters() {
        assert_eq!(humanized("guest", "user:default/guest"), "guest");
        assert_eq!(humanized("guest", "user:development/guest"), "development/guest");
        assert_eq!(humanized("Guest User", "user:development/guest"), "Guest User");
        assert_eq!(short_ref("group:default/team-a"), "team-a");
        assert_eq!(short_ref("group:ops/team-a"), "ops/team-a");
    }
}
