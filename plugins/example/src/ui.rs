//! The example page, made from design-system components only.

use crate::api::{AddNote, load_page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use portico_ui::prelude::*;

/// `/example`: a greeting from config, notes from the database, and a backend ping.
#[component]
pub(crate) fn ExamplePage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_page());
    view! {
        <Title text="Example"/>
        <Page>
            <Header title="Example plugin" subtitle="A worked example for plugin authors"/>
            <Content>
                <Suspense fallback=|| view! { <Progress label="Loading notes"/> }>
                    <ErrorBoundary fallback=|errors| view! {
                        <ErrorPanel title="Could not load the notes" message=errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()/>
                    }>
                        {move || Suspend::new(async move { data.await.map(|page| view! {
                            <p class="pt-example__greeting">{page.greeting}</p>
                            <Table
                                caption="Notes"
                                columns=vec![
                                    TableColumn::new("id", "Id", |n: &crate::api::Note| n.id.to_string().into_any()),
                                    TableColumn::new("body", "Note", |n: &crate::api::Note| n.body.clone().into_any()),
                                ]
                                rows=page.notes
                                empty_title="No notes yet"
                            />
                        }) })}
                    </ErrorBoundary>
                </Suspense>
                <InfoCard title="Add a note">
                    // A plain form: it posts to the server function, which redirects back.
                    // The island router turns that into an in-place update when JavaScript runs.
                    <form method="post" action=AddNote::url()>
                        <div class="pt-row">
                            <label for="example-note">"Note"</label>
                            <input id="example-note" class="pt-input" name="body" required maxlength="500"/>
                            <Button r#type="submit">"Add"</Button>
                        </div>
                    </form>
                </InfoCard>
                <BackendPing/>
            </Content>
        </Page>
    }
}

/// Calls the plugin's JSON route from the browser (gloo-net), to show the backend is mounted.
#[island]
fn BackendPing() -> impl IntoView {
    let status = RwSignal::new(String::from("Not checked yet."));
    let ping = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let text = match gloo_net::http::Request::get("/api/example/health").send().await {
                Ok(resp) if resp.ok() => "The backend answered: ok.".to_owned(),
                Ok(resp) => format!("The backend answered with status {}.", resp.status()),
                Err(err) => format!("The backend could not be reached: {err}."),
            };
            status.set(text);
        });
    };
    view! {
        <InfoCard title="Backend">
            <div class="pt-row">
                <button type="button" class="pt-button pt-button--secondary" on:click=ping>"Ping /api/example/health"</button>
                <span role="status" data-testid="ping-status">{move || status.get()}</span>
            </div>
        </InfoCard>
    }
}

/// A card on every component's overview: what a plugin sees of the entity.
pub(crate) fn entity_card(entity: portico_plugin_api::Entity) -> AnyView {
    let owner = entity.spec_str("owner").unwrap_or("nobody").to_owned();
    view! {
        <InfoCard title="Example plugin">
            <p>{format!("The example plugin sees {} (owned by {owner}).", entity.entity_ref())}</p>
        </InfoCard>
    }
    .into_any()
}

/// A whole tab on every component's page.
pub(crate) fn entity_tab(entity: portico_plugin_api::Entity) -> AnyView {
    view! {
        <InfoCard title="Example tab">
            <p>{format!("This tab is contributed by the example plugin for {}.", entity.display_name())}</p>
        </InfoCard>
    }
    .into_any()
}
