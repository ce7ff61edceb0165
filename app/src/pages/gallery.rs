//! `/gallery`: every design-system component in every variant, in both themes.
//! The living documentation for plugin authors; the end-to-end tests run axe on it.

use super::BuiltinDoc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portico_ui::prelude::*;

/// Demo rows for the table: sorted and paged from the URL, as a real plugin would on its server.
const SERVICES: &[(&str, &str, &str)] = &[
    ("payments", "team-a", "production"),
    ("ledger", "team-a", "production"),
    ("search", "team-b", "experimental"),
    ("notifications", "team-c", "production"),
    ("billing-ui", "team-a", "deprecated"),
    ("auth", "team-d", "production"),
    ("catalog-sync", "team-b", "experimental"),
    ("reports", "team-c", "production"),
    ("exports", "team-c", "experimental"),
    ("gateway", "team-d", "production"),
    ("mailer", "team-c", "deprecated"),
    ("audit", "team-d", "production"),
];
const PAGE_SIZE: usize = 5;

/// The gallery page.
#[component]
pub(crate) fn Gallery() -> impl IntoView {
    view! {
        <Title text="Components"/>
        <Page>
            <Header title="Components" subtitle="The design system, in both themes" kicker="Gallery"/>
            <Content>
                <p>"Every component plugins can use, in every variant. Components read design tokens only, so a theme restyles all of them."</p>
                <div class="pt-grid">
                    <section class="pt-theme-scope" data-theme="light" aria-labelledby="gallery-light">
                        <h2 id="gallery-light">"Light theme"</h2>
                        <Showcase scope="light"/>
                    </section>
                    <section class="pt-theme-scope" data-theme="dark" aria-labelledby="gallery-dark">
                        <h2 id="gallery-dark">"Dark theme"</h2>
                        <Showcase scope="dark"/>
                    </section>
                </div>
            </Content>
        </Page>
    }
}

#[component]
fn Showcase(scope: &'static str) -> impl IntoView {
    view! {
        <div class="pt-content" style="padding:0">
            <InfoCard title="Buttons and links" subheader="Primary, secondary, subtle, danger">
                <div class="pt-row">
                    <Button>"Primary"</Button>
                    <Button variant=ButtonVariant::Secondary>"Secondary"</Button>
                    <Button variant=ButtonVariant::Subtle>"Subtle"</Button>
                    <Button variant=ButtonVariant::Danger>"Danger"</Button>
                    <Button disabled=true>"Disabled"</Button>
                    <LinkButton href="/settings" variant=ButtonVariant::Secondary>"Link button"</LinkButton>
                    <Link href="/">"Internal link"</Link>
                    <Link href="https://backstage.io">"External link"</Link>
                </div>
            </InfoCard>
            <InfoCard title="Badges, avatars and status">
                <div class="pt-row">
                    <Badge>"neutral"</Badge>
                    <Badge tone=BadgeTone::Primary>"primary"</Badge>
                    <Badge tone=BadgeTone::Ok>"ok"</Badge>
                    <Badge tone=BadgeTone::Warning>"warning"</Badge>
                    <Badge tone=BadgeTone::Error>"error"</Badge>
                </div>
                <div class="pt-row">
                    <Avatar name="Ada Lovelace"/>
                    <Avatar name="Team Platform" size=32/>
                    <StatusOk>"Healthy"</StatusOk>
                    <StatusWarning>"Degraded"</StatusWarning>
                    <StatusError>"Failing"</StatusError>
                    <StatusPending>"Pending"</StatusPending>
                </div>
            </InfoCard>
            <InfoCard title="Panels and empty state">
                <WarningPanel title="This entity has no owner" message="Add spec.owner to its catalog-info.yaml."/>
                <ErrorPanel title="The docs could not be built" message="mkdocs.yml: nav entry points at a missing file."/>
                <EmptyState title="No APIs yet" description="Register a component that provides one.">
                    <Button variant=ButtonVariant::Secondary>"Register"</Button>
                </EmptyState>
            </InfoCard>
            <InfoCard title="Progress">
                <Progress label="Indexing"/>
                <p></p>
                <Progress value=Signal::derive(|| 60.0) label="Build progress"/>
            </InfoCard>
            <GalleryTable scope/>
            <InfoCard title="Tabs">
                <Tabs id=format!("gallery-tabs-{scope}") label="Example tabs" tabs=vec![
                    Tab::new("Overview", || view! { <p>"The overview panel."</p> }.into_any()),
                    Tab::new("API", || view! { <p>"The API panel."</p> }.into_any()),
                    Tab::new("Docs", || view! { <p>"The docs panel."</p> }.into_any()),
                ]/>
            </InfoCard>
            <InfoCard title="Code snippet">
                <CodeSnippet
                    text="apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  owner: team-a"
                    language="yaml"
                    show_line_numbers=true
                    highlighted=vec![4]
                    show_copy=true
                />
            </InfoCard>
            <InfoCard title="Markdown content">
                <BuiltinDoc which="sample"/>
            </InfoCard>
            <InfoCard title="Dialog">
                <Dialog
                    id=format!("gallery-dialog-{scope}")
                    title="About this dialog".to_string()
                    trigger="Open dialog".to_string()
                >
                    <p>"A native modal dialog: focus stays inside, Esc or the close button closes it, and focus returns to the button that opened it."</p>
                </Dialog>
            </InfoCard>
        </div>
    }
}

type Row = (&'static str, &'static str, &'static str);

#[component]
fn GalleryTable(scope: &'static str) -> impl IntoView {
    let query = use_query_map();
    let columns = vec![
        TableColumn::new("name", "Name", |r: &Row| r.0.into_any()).sortable(),
        TableColumn::new("owner", "Owner", |r: &Row| r.1.into_any()).sortable(),
        TableColumn::new("lifecycle", "Lifecycle", |r: &Row| {
            let lifecycle: &'static str = r.2;
            let tone = match lifecycle {
                "production" => BadgeTone::Ok,
                "deprecated" => BadgeTone::Warning,
                _ => BadgeTone::Neutral,
            };
            view! { <Badge tone>{lifecycle}</Badge> }.into_any()
        }),
    ];
    move || {
        let q = query.get();
        let sort_key = q.get("sort").filter(|k| k == "name" || k == "owner");
        let dir = q.get("dir").as_deref().and_then(SortDir::parse).unwrap_or(SortDir::Asc);
        let offset =
            q.get("offset").and_then(|o| o.parse::<usize>().ok()).unwrap_or(0).min(SERVICES.len());
        let mut rows = SERVICES.to_vec();
        if let Some(key) = &sort_key {
            rows.sort_by(|a, b| {
                if key == "owner" { a.1.cmp(b.1).then(a.0.cmp(b.0)) } else { a.0.cmp(b.0) }
            });
            if dir == SortDir::Desc {
                rows.reverse();
            }
        }
        let page: Vec<Row> = rows.into_iter().skip(offset).take(PAGE_SIZE).collect();
        let sort_for_links = sort_key.clone();
        view! {
            <Table
                caption=format!("Services ({scope})")
                columns=columns.clone()
                rows=page
                sort=sort_key.map(|k| (k, dir))
                sort_href=Callback::new(move |(k, d): (String, SortDir)| format!("/gallery?sort={k}&dir={}", d.as_str()))
                pagination=Pagination { offset, limit: PAGE_SIZE, total: SERVICES.len() }
                page_href=Callback::new(move |o: usize| match &sort_for_links {
                    Some(k) => format!("/gallery?sort={k}&dir={}&offset={o}", dir.as_str()),
                    None => format!("/gallery?offset={o}"),
                })
                empty_title="No services"
            />
        }
    }
}
