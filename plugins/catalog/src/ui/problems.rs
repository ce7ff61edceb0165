//! `/catalog-problems`: every location and entity with processing errors, with
//! the message and when it happened, so an integrator sees at a glance what
//! failed to load.

use crate::api::{Problem, load_problems};
use leptos::prelude::*;
use leptos_meta::Title;
use portico_ui::prelude::*;

/// The problems page.
#[component]
pub(crate) fn ProblemsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_problems());
    view! {
        <Title text="Catalog problems"/>
        <Page>
            <Header title="Catalog problems" subtitle="Locations and entities that failed to process"/>
            <Content>
                <Suspense fallback=|| view! { <Progress label="Loading problems"/> }>
                    <ErrorBoundary fallback=|errors| view! {
                        <ErrorPanel title="Could not load the problems" message=errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()/>
                    }>
                        {move || Suspend::new(async move { data.await.map(|rows| view! {
                            <Table
                                caption=format!("Problems ({})", rows.len())
                                columns=vec![
                                    TableColumn::new("entity", "Entity", |p: &Problem| view! {
                                        <a class="pt-link" href=p.href.clone()>{p.entity_ref.clone()}</a>
                                        {p.target.clone().map(|t| view! { <br/><code class="pt-problem__target">{t}</code> })}
                                    }.into_any()),
                                    TableColumn::new("level", "Level", |p: &Problem| if p.level == "error" {
                                        view! { <StatusError>"Error"</StatusError> }.into_any()
                                    } else {
                                        view! { <StatusWarning>"Warning"</StatusWarning> }.into_any()
                                    }),
                                    TableColumn::new("message", "Message", |p: &Problem| view! { <code class="pt-problem__message">{p.message.clone()}</code> }.into_any()),
                                    TableColumn::new("at", "Last processed", |p: &Problem| view! { <time datetime=p.at.clone()>{format!("{} UTC", p.at.get(..19).unwrap_or(&p.at).replace('T', " "))}</time> }.into_any()),
                                ]
                                rows=rows
                                empty_title="No problems: every location and entity processed cleanly"
                            />
                        }) })}
                    </ErrorBoundary>
                </Suspense>
            </Content>
        </Page>
    }
}
