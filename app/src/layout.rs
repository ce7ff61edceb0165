//! The sidebar, built from the plugin registry.

use crate::plugins::PLUGINS;
use crate::site::SiteInfo;
use leptos::prelude::*;
use portico_plugin_api::Icon;
use portico_ui::prelude::*;

/// The quick search first (Backstage's sidebar search), then Home, then every plugin's nav items in registry order, then the gallery and settings.
#[component]
pub(crate) fn AppSidebar() -> impl IntoView {
    let site = use_context::<SiteInfo>().unwrap_or_default();
    let plugin_items = PLUGINS
        .iter()
        .flat_map(|p| p.nav.iter())
        .map(
            |item| view! { <SidebarItem href=item.path label=item.label icon=item.icon.as_str()/> },
        )
        .collect_view();
    view! {
        <Sidebar
            title=site.title
            logo=site.full_logo
            icon_logo=site.icon_logo
            logo_width=site.logo_width
            collapsed=site.sidebar_collapsed
            footer=Box::new(|| view! {
                <SidebarItem href="/gallery" label="Components" icon=Icon::Palette.as_str()/>
                <SidebarItem href="/settings" label="Settings" icon=Icon::Settings.as_str()/>
            }.into_any())
        >
            <li class="pt-sidebar__item"><plugin_search::modal::SearchModal/></li>
            <SidebarItem href="/" label="Home" icon=Icon::Home.as_str() exact=true/>
            {plugin_items}
        </Sidebar>
    }
}
