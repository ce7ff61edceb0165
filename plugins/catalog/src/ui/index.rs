//! `/catalog`: the catalog index.

use leptos::prelude::*;
use portico_ui::layout::{Content, Header, Page};

/// The catalog index page.
#[component]
pub(crate) fn CatalogIndex() -> impl IntoView {
    view! {
        <Page>
            <Header title="Catalog"/>
            <Content>
                <p>"The catalog."</p>
            </Content>
        </Page>
    }
}
