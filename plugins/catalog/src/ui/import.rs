//! `/catalog-import`: register an existing component. Paste a URL (or, where
//! the integrator allows it, a path), see what it would add or what is wrong
//! with it, then import. Plain forms: works without JavaScript.

use crate::api::{ImportPreview, Register, preview_import};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portico_ui::prelude::*;

/// The import page.
#[component]
pub(crate) fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let target = Memo::new(move |_| query.with(|q| q.get("target").unwrap_or_default()));
    let registered = Memo::new(move |_| query.with(|q| q.get("registered")));
    let preview = Resource::new_blocking(
        move || (target.get(), registered.get().is_some()),
        |(t, done)| async move {
            if t.trim().is_empty() || done { None } else { Some(preview_import(t).await) }
        },
    );
    view! {
        <Title text="Register an existing component"/>
        <Page>
            <Header title="Register an existing component" subtitle="Add entities from a catalog-info.yaml file to the catalog"/>
            <Content>
                {move || registered.get().map(|n| view! {
                    <section class="pt-panel pt-panel--ok" role="status">
                        <p>{format!("Registered {}: {n} entities added. ", target.get())}<a class="pt-link" href="/catalog?filters[kind]=">"View them in the catalog"</a></p>
                    </section>
                })}
                <InfoCard title="1. Select a file">
                    <form method="get" action="/catalog-import" class="pt-stack">
                        <div class="pt-field">
                            <label for="import-target">"URL of a catalog-info.yaml file"</label>
                            <input id="import-target" class="pt-input" name="target" type="text" required maxlength="2048"
                                value=move || target.get() placeholder="https://github.com/org/repo/blob/main/catalog-info.yaml"/>
                        </div>
                        <div class="pt-row"><Button r#type="submit">"Analyze"</Button></div>
                    </form>
                </InfoCard>
                <Suspense fallback=|| view! { <Progress label="Reading the file"/> }>
                    {move || Suspend::new(async move { preview.await.map(|r| match r {
                        Ok(p) => view! { <Review preview=p/> }.into_any(),
                        Err(e) => view! { <ErrorPanel title="This location cannot be registered" message=e.to_string()/> }.into_any(),
                    }) })}
                </Suspense>
            </Content>
        </Page>
    }
}

#[component]
fn Review(preview: ImportPreview) -> impl IntoView {
    let can_import = !preview.exists && !preview.entities.is_empty();
    let errors = preview.errors.clone();
    let entities = preview
        .entities
        .iter()
        .map(|r| view! { <li><code>{r.entity_ref.clone()}</code>{r.description.clone().map(|d| view! { " — " {d} })}</li> })
        .collect_view();
    view! {
        <InfoCard title="2. Review">
            {preview.exists.then(|| view! { <WarningPanel title="Already registered" message="This location is already in the catalog; it is refreshed automatically."/> })}
            {(!errors.is_empty()).then(|| view! {
                <ErrorPanel title="Problems found in this location" message="Entities with errors are not imported until they are fixed.">
                    <ul class="pt-problems">{errors.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}</ul>
                </ErrorPanel>
            })}
            <p>{format!("{} entities would be added from {}:", preview.entities.len(), preview.target)}</p>
            <ul class="pt-related">{entities}</ul>
            {can_import.then(|| view! {
                <form method="post" action=Register::url()>
                    <input type="hidden" name="target" value=preview.target.clone()/>
                    <Button r#type="submit">"Import"</Button>
                </form>
            })}
        </InfoCard>
    }
}
