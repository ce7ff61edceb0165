//! `/settings`: appearance.

use crate::api::SetTheme;
use crate::site::SiteInfo;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use portico_ui::prelude::*;

/// The settings page.
#[component]
pub(crate) fn Settings() -> impl IntoView {
    let site = use_context::<SiteInfo>().unwrap_or_default();
    view! {
        <Title text="Settings"/>
        <Page>
            <Header title="Settings"/>
            <Content>
                <InfoCard title="Appearance">
                    <ThemePicker current=site.theme/>
                </InfoCard>
            </Content>
        </Page>
    }
}

/// Sets `data-theme` on the document right away (browser only); the cookie follows.
fn apply_theme(mode: ThemeMode) {
    #[cfg(target_arch = "wasm32")]
    if let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", mode.as_str());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = mode;
}

/// The theme form: a plain form that posts to the `set_theme` server function,
/// which stores the cookie and redirects back, so it works without JavaScript.
/// As an island, a choice applies at once and the form submits itself through the
/// island router, which updates the page in place.
#[island]
fn ThemePicker(current: ThemeMode) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let choices = ThemeMode::ALL
        .into_iter()
        .map(|mode| {
            let id = format!("theme-{}", mode.as_str());
            let label_for = id.clone();
            view! {
                <label class="pt-choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name="mode"
                        value=mode.as_str()
                        checked=current == mode
                        on:change=move |_| {
                            apply_theme(mode);
                            if let Some(form) = form.get() {
                                let _ = form.request_submit();
                            }
                        }
                    />
                    {mode.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=SetTheme::url() node_ref=form>
            <fieldset class="pt-fieldset">
                <legend>"Theme"</legend>
                {choices}
            </fieldset>
            <p class="pt-row">
                <Button r#type="submit" variant=ButtonVariant::Secondary>"Save theme"</Button>
            </p>
        </form>
    }
}
