//! `/settings`: appearance.

use crate::api::SetTheme;
use crate::shell::ThemeState;
use leptos::prelude::*;
use leptos_meta::Title;
use portico_ui::prelude::*;

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

/// The settings page. The theme form works without JavaScript (it posts and the
/// server redirects back); with it, a choice applies at once.
#[component]
pub(crate) fn Settings() -> impl IntoView {
    let ThemeState(theme) = expect_context::<ThemeState>();
    let save = ServerAction::<SetTheme>::new();
    Effect::new(move |_| {
        if let Some(Ok(mode)) = save.value().get() {
            theme.set(mode);
            apply_theme(mode);
        }
    });
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
                        prop:checked=move || theme.get() == mode
                        checked=theme.get_untracked() == mode
                        on:change=move |_| {
                            theme.set(mode);
                            apply_theme(mode);
                            save.dispatch(SetTheme { mode: mode.as_str().to_owned() });
                        }
                    />
                    {mode.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <Title text="Settings"/>
        <Page>
            <Header title="Settings"/>
            <Content>
                <InfoCard title="Appearance">
                    <ActionForm action=save>
                        <fieldset class="pt-fieldset">
                            <legend>"Theme"</legend>
                            {choices}
                        </fieldset>
                        <p class="pt-row">
                            <Button r#type="submit" variant=ButtonVariant::Secondary>"Save theme"</Button>
                            <span role="status">{move || match save.value().get() {
                                Some(Ok(mode)) => format!("Theme set to {}.", mode.label().to_lowercase()),
                                Some(Err(e)) => e.to_string(),
                                None => String::new(),
                            }}</span>
                        </p>
                    </ActionForm>
                </InfoCard>
            </Content>
        </Page>
    }
}
