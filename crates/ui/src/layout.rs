//! The page frame: sidebar, page, header and content.

use crate::icon::Glyph;
use leptos::prelude::*;
use leptos_router::components::A;

/// The main area of a route: a header followed by content.
#[component]
pub fn Page(
    /// Header and content.
    children: Children,
) -> impl IntoView {
    view! { <div class="pt-page">{children()}</div> }
}

/// The page header: the page's `<h1>`, a subtitle, and labels or actions.
#[component]
pub fn Header(
    /// The page title (the only `<h1>` on the page).
    #[prop(into)]
    title: String,
    /// A line under the title.
    #[prop(optional, into)]
    subtitle: Option<String>,
    /// A small kicker above the title, for example the entity kind.
    #[prop(optional, into)]
    kicker: Option<String>,
    /// Labels and actions on the right.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="pt-header">
            <div class="pt-header__text">
                {kicker.map(|k| view! { <p class="pt-header__kicker">{k}</p> })}
                <h1 class="pt-header__title">{title}</h1>
                {subtitle.map(|s| view! { <p class="pt-header__subtitle">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="pt-header__aside">{c()}</div> })}
        </header>
    }
}

/// The padded area under the header.
#[component]
pub fn Content(
    /// The content.
    children: Children,
) -> impl IntoView {
    view! { <div class="pt-content">{children()}</div> }
}

/// The filters beside a list of results. On a wide screen they are always
/// shown; on a narrow one they fold under a "Filters" summary (saying how
/// many are active) so that the results come first. A `<details>` element:
/// it opens and closes by keyboard and without JavaScript.
#[component]
pub fn FilterPanel(
    /// How many filters are set, shown in the folded summary.
    #[prop(optional)]
    active: usize,
    /// The filter form.
    children: Children,
) -> impl IntoView {
    let summary = match active {
        0 => "Filters".to_owned(),
        n => format!("Filters ({n} active)"),
    };
    view! {
        <details class="pt-filters">
            <summary class="pt-filters__summary">{summary}</summary>
            {children()}
        </details>
    }
}

/// The cookie that remembers a collapsed sidebar, so the server renders it collapsed.
pub const SIDEBAR_COOKIE: &str = "portico-sidebar";

/// The navigation sidebar. Collapsible; the choice is remembered in a cookie.
#[component]
pub fn Sidebar(
    /// The app's title, shown next to the logo.
    #[prop(into)]
    title: String,
    /// A logo URL for the expanded sidebar.
    #[prop(optional_no_strip)]
    logo: Option<String>,
    /// A logo URL for the collapsed sidebar.
    #[prop(optional_no_strip)]
    icon_logo: Option<String>,
    /// Width of the full logo (CSS length).
    #[prop(optional_no_strip)]
    logo_width: Option<String>,
    /// Starts collapsed (from the visitor's cookie).
    #[prop(optional)]
    collapsed: bool,
    /// The main nav items.
    children: Children,
    /// Items kept at the bottom, after a divider (settings and the like).
    #[prop(optional)]
    footer: Option<Children>,
) -> impl IntoView {
    let logo_style = logo_width.map(|w| format!("width:{w}"));
    view! {
        <nav
            class=if collapsed { "pt-sidebar pt-sidebar--collapsed" } else { "pt-sidebar" }
            aria-label="Main"
            id="pt-sidebar"
        >
            <div class="pt-sidebar__brand">
                <a class="pt-sidebar__home" href="/">
                    {logo.map(|src| view! {
                        <img class="pt-sidebar__logo pt-sidebar__logo--full" src=src alt="" style=logo_style/>
                    })}
                    {icon_logo.map(|src| view! { <img class="pt-sidebar__logo pt-sidebar__logo--icon" src=src alt=""/> })}
                    <span class="pt-sidebar__title">{title}</span>
                </a>
            </div>
            <ul class="pt-sidebar__items" role="list">{children()}</ul>
            {footer.map(|f| view! {
                <hr class="pt-sidebar__divider"/>
                <ul class="pt-sidebar__items pt-sidebar__items--footer" role="list">{f()}</ul>
            })}
            <SidebarToggle collapsed/>
        </nav>
    }
}

/// The collapse button: an island, the only part of the sidebar that runs in the browser.
#[island]
fn SidebarToggle(collapsed: bool) -> impl IntoView {
    let collapsed = RwSignal::new(collapsed);
    let toggle = move |_| {
        collapsed.update(|c| *c = !*c);
        remember_collapsed(collapsed.get_untracked());
    };
    view! {
        <button
            type="button"
            class="pt-sidebar__toggle"
            aria-controls="pt-sidebar"
            aria-expanded=move || (!collapsed.get()).to_string()
            on:click=toggle
        >
            <Glyph name="chevron-left"/>
            <span class="pt-sidebar__label">"Collapse sidebar"</span>
        </button>
    }
}

/// Applies the state to the `<nav>` and stores it in the cookie (browser only).
fn remember_collapsed(collapsed: bool) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Some(nav) = document.get_element_by_id("pt-sidebar") {
            let _ = nav.class_list().toggle_with_force("pt-sidebar--collapsed", collapsed);
        }
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let value = if collapsed { "collapsed" } else { "expanded" };
            let _ = html.set_cookie(&format!(
                "{SIDEBAR_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = collapsed;
}

/// True when a `Cookie` header says the sidebar is collapsed.
pub fn collapsed_from_cookie_header(header: &str) -> bool {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == SIDEBAR_COOKIE && value == "collapsed")
}

/// One link in the sidebar; marked `aria-current="page"` while its route is shown.
#[component]
pub fn SidebarItem(
    /// Where it goes.
    #[prop(into)]
    href: String,
    /// Its label.
    #[prop(into)]
    label: String,
    /// Its glyph name.
    #[prop(into)]
    icon: String,
    /// Only current on an exact match (for `/`).
    #[prop(optional)]
    exact: bool,
) -> impl IntoView {
    let tooltip = label.clone();
    view! {
        <li class="pt-sidebar__item">
            <A href=href exact=exact attr:class="pt-sidebar__link" attr:title=tooltip>
                <Glyph name=icon/>
                <span class="pt-sidebar__label">{label}</span>
            </A>
        </li>
    }
}
