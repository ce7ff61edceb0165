//! `/`: the welcome page.

use super::BuiltinDoc;
use crate::plugins::PLUGINS;
use crate::site::SiteInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use portico_ui::prelude::*;

/// The home page: a welcome text and the installed plugins.
#[component]
pub(crate) fn Home() -> impl IntoView {
    let site = use_context::<SiteInfo>().unwrap_or_default();
    let columns = vec![
        TableColumn::new("title", "Plugin", |p: &&portico_plugin_api::Plugin| p.title.into_any()),
        TableColumn::new("id", "Id", |p: &&portico_plugin_api::Plugin| {
            view! { <code>{p.id}</code> }.into_any()
        }),
        TableColumn::new("pages", "Pages", |p: &&portico_plugin_api::Plugin| {
            p.nav
                .iter()
                .map(|n| view! { <a class="pt-link" href=n.path>{n.label}</a>" " })
                .collect_view()
                .into_any()
        }),
    ];
    view! {
        <Title text=""/>
        <Page>
            <Header title=format!("Welcome to {}", site.title) subtitle="Your software, its owners and its docs, in one place"/>
            <Content>
                <div class="pt-grid">
                    <InfoCard title="Getting started">
                        <BuiltinDoc which="welcome"/>
                    </InfoCard>
                    <InfoCard title="Appearance" subheader="Light, dark, or follow the system" deep_link=("/settings".to_string(), "Open settings".to_string())>
                        <p>"Your choice is remembered in this browser and applied before the page is drawn."</p>
                    </InfoCard>
                </div>
                <Table caption="Installed plugins" columns rows=PLUGINS.to_vec() empty_title="No plugins installed"/>
            </Content>
        </Page>
    }
}
