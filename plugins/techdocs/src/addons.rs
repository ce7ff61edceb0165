//! The reader's interactive parts, each an island (the page around them is
//! server-rendered and works without JavaScript; these add to it):
//!
//! * [`LiveReload`]: follows the site's event stream; reloads the page when
//!   the site is published again (`portico techdocs serve`), or says a newer
//!   version is available and offers to reload (the portal).
//! * [`TextSize`]: the content's text size, 90 to 150 % as Backstage's
//!   TextSize add-on offers, remembered in the browser.
//! * [`ExpandNav`]: opens or closes every section of the site nav at once,
//!   remembered in the browser (Backstage's ExpandableNavigation).
//! * [`LightBox`]: an image in the content opens enlarged in a dialog, by
//!   click or by keyboard (Backstage's LightBox).
//! * [`ReportIssue`]: text selected in the content gets an "Open new issue"
//!   link to the site's GitHub or GitLab repository, quoting it
//!   (Backstage's ReportIssue).
//!
//! * [`BuildLog`]: the log of a build the portal runs (`techdocs.builder:
//!   local`), followed live through Backstage's `/sync` events; the page
//!   reloads when the first build of a site is published.
//!
//! Controls that only work with script are rendered `hidden` and shown once
//! their island has hydrated, so a page without JavaScript offers none.

#![allow(missing_docs, reason = "the island macro generates undocumented props structs")]

use leptos::prelude::*;

/// Listens to `events_url` (server-sent events, see the `events` module) and
/// reloads the page, or offers to, when the site changes.
#[island]
pub(crate) fn LiveReload(events_url: String, auto: bool) -> impl IntoView {
    let newer = RwSignal::new(false);
    Effect::new(move |_| browser::follow(&events_url, auto, newer));
    view! {
        <div class="pt-docs__update" role="status">
            {move || newer.get().then(|| view! {
                <span>"A newer version of this documentation is available."</span>
                <button type="button" class="pt-button pt-button--primary" on:click=|_| browser::reload()>"Reload"</button>
            })}
        </div>
    }
}

/// How a followed build ended: `Ok(updated)` or the failure's message.
type BuildEnd = Option<Result<bool, String>>;

/// A build's log: the lines so far (server-rendered, so a page without
/// JavaScript shows them), then, while `building`, the rest as they come.
/// `status` is the line above the log until the build is heard to end (it
/// may be empty: the page says it elsewhere). When it ends and
/// `reload_when_done` (the page waits for a first build), the page reloads.
#[island]
pub(crate) fn BuildLog(
    sync_url: String,
    log: Vec<String>,
    building: bool,
    reload_when_done: bool,
    status: String,
) -> impl IntoView {
    let lines = RwSignal::new(log);
    let ended = RwSignal::new(None::<Result<bool, String>>);
    if building {
        Effect::new(move |_| browser::follow_build(&sync_url, lines, ended, reload_when_done));
    }
    let status = move || match ended.get() {
        None => status.clone(),
        Some(end) => build_end(&end).to_owned(),
    };
    view! {
        <div class="pt-docs__build">
            <p role="status">{status}</p>
            <details open=building hidden=move || lines.with(Vec::is_empty)>
                <summary>"Build log"</summary>
                <pre class="pt-docs__buildlog" role="log" aria-label="Build log" tabindex="0">
                    {move || lines.with(|l| l.join("\n"))}
                </pre>
            </details>
        </div>
    }
}

/// The line above the log once the build ended. "Finished" without
/// "published" when this reader joined after the end (the stream then only
/// says there is nothing new to build).
fn build_end(end: &Result<bool, String>) -> &'static str {
    match end {
        Ok(true) => "The build finished and was published.",
        Ok(false) => "The build finished.",
        Err(_) => "The build failed.",
    }
}

/// Backstage's TextSize stops.
const TEXT_SIZES: [u32; 5] = [90, 100, 115, 130, 150];
const TEXT_SIZE_KEY: &str = "portico.techdocs.textSize";
const NAV_EXPANDED_KEY: &str = "portico.techdocs.navExpanded";

/// A slider for the content's text size.
#[island]
pub(crate) fn TextSize() -> impl IntoView {
    let index = RwSignal::new(1usize);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        let stored = browser::load(TEXT_SIZE_KEY).and_then(|v| v.parse::<u32>().ok());
        if let Some(position) = stored.and_then(|v| TEXT_SIZES.iter().position(|s| *s == v)) {
            index.set(position);
        }
    });
    Effect::new(move |_| {
        let size = TEXT_SIZES[index.get()];
        browser::set_root_property("--pt-docs-text-scale", &format!("{}", f64::from(size) / 100.0));
        if hydrated.get_untracked() {
            browser::store(TEXT_SIZE_KEY, &size.to_string());
        }
    });
    let percent = move || format!("{}%", TEXT_SIZES[index.get()]);
    view! {
        <div class="pt-docs__textsize" hidden=move || !hydrated.get()>
            <label for="pt-docs-textsize">"Text size"</label>
            <input
                id="pt-docs-textsize"
                type="range"
                min="0"
                max=TEXT_SIZES.len() - 1
                step="1"
                prop:value=move || index.get().to_string()
                aria-valuetext=percent
                on:input=move |ev| {
                    if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                        index.set(i.min(TEXT_SIZES.len() - 1));
                    }
                }
            />
            <output for="pt-docs-textsize">{percent}</output>
        </div>
    }
}

/// Expands or collapses every section of the site nav.
#[island]
pub(crate) fn ExpandNav() -> impl IntoView {
    let expanded = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        if browser::load(NAV_EXPANDED_KEY).as_deref() == Some("true") {
            expanded.set(true);
            browser::set_nav_open(true);
        }
    });
    view! {
        <button
            type="button"
            class="pt-button pt-button--subtle pt-docs__expand"
            hidden=move || !hydrated.get()
            aria-pressed=move || expanded.get().to_string()
            on:click=move |_| {
                let open = !expanded.get();
                expanded.set(open);
                browser::set_nav_open(open);
                browser::store(NAV_EXPANDED_KEY, &open.to_string());
            }
        >
            "Expand all sections"
        </button>
    }
}

/// The dialog an image of the content opens in.
#[island]
pub(crate) fn LightBox() -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let image = RwSignal::new((String::new(), String::new()));
    Effect::new(move |_| browser::enlarge_images_into(dialog, image));
    view! {
        <dialog class="pt-dialog pt-lightbox" node_ref=dialog aria-label=move || {
            let alt = image.with(|(_, alt)| alt.clone());
            if alt.is_empty() { "Image".to_string() } else { format!("Image: {alt}") }
        }>
            <div class="pt-lightbox__bar">
                <button type="button" class="pt-button pt-button--secondary" autofocus on:click=move |_| {
                    if let Some(d) = dialog.get() {
                        d.close();
                    }
                }>"Close"</button>
            </div>
            <img class="pt-lightbox__image" src=move || image.with(|(src, _)| src.clone()) alt=move || image.with(|(_, alt)| alt.clone())/>
        </dialog>
    }
}

/// "Open new issue" for the text selected in the content, when the site's
/// repository is on GitHub or GitLab.
#[island]
pub(crate) fn ReportIssue(
    repo_url: String,
    page_title: String,
    edit_url: Option<String>,
) -> impl IntoView {
    let link = RwSignal::new(None::<(String, f64, f64)>);
    let issue = issue_url_builder(repo_url, page_title, edit_url);
    Effect::new(move |_| browser::follow_selection(issue.clone(), link));
    view! {
        <div class="pt-docs__report" hidden=move || link.with(Option::is_none)
            style=move || link.with(|l| l.as_ref().map(|(_, top, left)| format!("top: {top}px; left: {left}px;")).unwrap_or_default())>
            <a class="pt-button pt-button--primary" target="_blank" rel="noopener noreferrer"
               href=move || link.with(|l| l.as_ref().map(|(href, _, _)| href.clone()).unwrap_or_default())>
                "Open new issue"
            </a>
        </div>
    }
}

/// Makes the new-issue URL for a quoted passage: GitHub's or GitLab's form, else none.
type IssueUrl = std::sync::Arc<dyn Fn(&str, &str) -> Option<String> + Send + Sync>;

fn issue_url_builder(repo_url: String, page_title: String, edit_url: Option<String>) -> IssueUrl {
    std::sync::Arc::new(move |selected: &str, page_url: &str| {
        issue_url(&repo_url, &page_title, edit_url.as_deref(), selected, page_url)
    })
}

/// The new-issue URL quoting `selected` from the page, as Backstage's
/// ReportIssue writes it; `None` when the repository is not on GitHub or GitLab.
pub(crate) fn issue_url(
    repo_url: &str,
    page_title: &str,
    edit_url: Option<&str>,
    selected: &str,
    page_url: &str,
) -> Option<String> {
    let (form, title_key, body_key) = issue_form(repo_url)?;
    let short: String = selected.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = short.chars().take(60).collect();
    let title = format!("Documentation feedback: {short}");
    let quoted: String = selected.lines().map(|l| format!("> {l}\n")).collect();
    let source = edit_url.map(|u| format!("\nMarkdown file: <{u}>")).unwrap_or_default();
    let body = format!(
        "## Documentation feedback\n\n#### The highlighted text\n\n{quoted}\n#### The comment on the text\n\n_Replace this line with your comment._\n\nPage: [{page_title}]({page_url}){source}\n"
    );
    let pairs = [(title_key.to_owned(), title), (body_key.to_owned(), body)];
    Some(portico_plugin_api::url::with_query(&form, &pairs))
}

/// A repository's new-issue form and its title and body parameters, on
/// GitHub or GitLab (hosted or self-managed under a `github.`/`gitlab.`
/// host); `None` elsewhere, where the reader offers no issue link.
pub(crate) fn issue_form(repo_url: &str) -> Option<(String, &'static str, &'static str)> {
    let repo = repo_url.trim_end_matches('/').trim_end_matches(".git");
    let host = repo.split("://").nth(1)?.split('/').next()?;
    if host == "github.com" || host.starts_with("github.") {
        Some((format!("{repo}/issues/new"), "title", "body"))
    } else if host == "gitlab.com" || host.starts_with("gitlab.") {
        Some((format!("{repo}/-/issues/new"), "issue[title]", "issue[description]"))
    } else {
        None
    }
}

/// The browser side; on the server every function does nothing (islands run
/// their effects only in the browser).
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Calls `handler` on `target`'s `event` for as long as the island lives
    /// (the listener is removed when it goes, not leaked).
    fn listen(
        target: &web_sys::EventTarget,
        event: &'static str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        let held = SendWrapper::new((target.clone(), closure));
        on_cleanup(move || {
            let (target, closure) = &*held;
            let _ =
                target.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        });
    }

    pub(super) fn reload() {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    }

    /// Opens the event stream for as long as the island lives.
    pub(super) fn follow(url: &str, auto: bool, newer: RwSignal<bool>) {
        let Ok(source) = web_sys::EventSource::new(url) else { return };
        listen(&source, "changed", move |_| if auto { reload() } else { newer.set(true) });
        let source = SendWrapper::new(source);
        on_cleanup(move || source.close());
    }

    /// Follows a build's `/sync` events: `log` lines (JSON strings),
    /// then `finish` (`{"updated": …}`) or `error` (a JSON string).
    pub(super) fn follow_build(
        url: &str,
        lines: RwSignal<Vec<String>>,
        ended: RwSignal<super::BuildEnd>,
        reload_when_done: bool,
    ) {
        let Ok(source) = web_sys::EventSource::new(url) else { return };
        let data = |e: &web_sys::Event| -> Option<serde_json::Value> {
            let text = e.dyn_ref::<web_sys::MessageEvent>()?.data().as_string()?;
            serde_json::from_str(&text).ok()
        };
        let held = SendWrapper::new(source.clone());
        let close = move || held.close();
        listen(&source, "log", move |e| {
            if let Some(line) = data(&e).as_ref().and_then(|v| v.as_str()) {
                lines.update(|l| l.push(line.to_owned()));
            }
        });
        let done = close.clone();
        listen(&source, "finish", move |e| {
            done();
            let updated = data(&e).is_some_and(|v| v["updated"] == true);
            ended.set(Some(Ok(updated)));
            // Waiting for a first build: whoever finished it (this reader
            // may have joined after the end), the page now has a site.
            if reload_when_done {
                reload();
            }
        });
        let failed = close.clone();
        listen(&source, "error", move |e| {
            // A server-sent `error` carries a message; a dropped connection does not.
            if let Some(message) = data(&e).as_ref().and_then(|v| v.as_str()) {
                failed();
                ended.set(Some(Err(message.to_owned())));
            }
        });
        on_cleanup(close);
    }

    fn document() -> Option<web_sys::Document> {
        web_sys::window()?.document()
    }

    pub(super) fn load(key: &str) -> Option<String> {
        web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
    }

    pub(super) fn store(key: &str, value: &str) {
        if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
            let _ = storage.set_item(key, value);
        }
    }

    pub(super) fn set_root_property(name: &str, value: &str) {
        let root = document().and_then(|d| d.document_element());
        if let Some(root) = root.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = root.style().set_property(name, value);
        }
    }

    pub(super) fn set_nav_open(open: bool) {
        let Some(sections) =
            document().and_then(|d| d.query_selector_all(".pt-docs__nav details").ok())
        else {
            return;
        };
        for i in 0..sections.length() {
            if let Some(section) =
                sections.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = if open {
                    section.set_attribute("open", "")
                } else {
                    section.remove_attribute("open")
                };
            }
        }
    }

    /// The content's images (not those inside links) open in `dialog`, by
    /// click, or Enter/Space once focused.
    pub(super) fn enlarge_images_into(
        dialog: NodeRef<leptos::html::Dialog>,
        image: RwSignal<(String, String)>,
    ) {
        let Some(content) =
            document().and_then(|d| d.query_selector(".pt-docs__content").ok().flatten())
        else {
            return;
        };
        if let Ok(images) = content.query_selector_all("img") {
            for i in 0..images.length() {
                let Some(img) = images.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                if img.closest("a").ok().flatten().is_some() {
                    continue;
                }
                let alt = img.get_attribute("alt").unwrap_or_default();
                let label = if alt.is_empty() {
                    "Enlarge image".to_string()
                } else {
                    format!("Enlarge image: {alt}")
                };
                let _ = img.set_attribute("tabindex", "0");
                let _ = img.set_attribute("role", "button");
                let _ = img.set_attribute("aria-haspopup", "dialog");
                let _ = img.set_attribute("aria-label", &label);
                let _ = img.class_list().add_1("pt-lightbox__zoomable");
            }
        }
        let open = move |event: &web_sys::Event| {
            let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return false;
            };
            if !target.class_list().contains("pt-lightbox__zoomable") {
                return false;
            }
            let src = target.get_attribute("src").unwrap_or_default();
            image.set((src, target.get_attribute("alt").unwrap_or_default()));
            if let Some(d) = dialog.get_untracked() {
                let _ = d.show_modal();
            }
            true
        };
        listen(&content, "click", move |e| {
            open(&e);
        });
        listen(&content, "keydown", move |e| {
            let key = e.dyn_ref::<web_sys::KeyboardEvent>().map(web_sys::KeyboardEvent::key);
            if matches!(key.as_deref(), Some("Enter" | " ")) && open(&e) {
                e.prevent_default();
            }
        });
    }

    /// Shows the issue link beside a non-empty selection inside the content.
    pub(super) fn follow_selection(
        issue: super::IssueUrl,
        link: RwSignal<Option<(String, f64, f64)>>,
    ) {
        let Some(document) = document() else { return };
        let doc = document.clone();
        listen(&document, "selectionchange", move |_| link.set(selected_link(&doc, &issue)));
    }

    fn selected_link(
        document: &web_sys::Document,
        issue: &super::IssueUrl,
    ) -> Option<(String, f64, f64)> {
        let window = web_sys::window()?;
        let selection = window.get_selection().ok()??;
        let text: String = selection.to_string().into();
        if text.trim().is_empty() || selection.range_count() == 0 {
            return None;
        }
        let range = selection.get_range_at(0).ok()?;
        let content = document.query_selector(".pt-docs__content").ok()??;
        let inside = range.common_ancestor_container().ok()?;
        if !content.contains(Some(&inside)) {
            return None;
        }
        let href = issue(text.trim(), &window.location().href().ok()?)?;
        // Placed under the selection, in the coordinates of the reader's
        // column (positioned), whatever scrolls.
        let rect = range.get_bounding_client_rect();
        let column = document.query_selector(".pt-docs__main").ok()??.get_bounding_client_rect();
        let top = rect.bottom() - column.top() + 8.0;
        let left = (rect.left() - column.left()).max(0.0);
        Some((href, top, left))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use leptos::prelude::*;

    pub(super) fn follow(_: &str, _: bool, _: RwSignal<bool>) {}
    pub(super) fn follow_build(
        _: &str,
        _: RwSignal<Vec<String>>,
        _: RwSignal<super::BuildEnd>,
        _: bool,
    ) {
    }
    pub(super) fn reload() {}
    pub(super) fn load(_: &str) -> Option<String> {
        None
    }
    pub(super) fn store(_: &str, _: &str) {}
    pub(super) fn set_root_property(_: &str, _: &str) {}
    pub(super) fn set_nav_open(_: bool) {}
    pub(super) fn enlarge_images_into(
        _: NodeRef<leptos::html::Dialog>,
        _: RwSignal<(String, String)>,
    ) {
    }
    pub(super) fn follow_selection(_: super::IssueUrl, _: RwSignal<Option<(String, f64, f64)>>) {}
}

#[cfg(test)]
mod tests {
    use super::issue_url;
    use expect_test::expect;

    #[test]
    fn issue_links_quote_the_selection_on_github_and_gitlab_only() {
        let github = issue_url(
            "https://github.com/acme/gateway.git",
            "Deploy",
            Some("https://github.com/acme/gateway/edit/main/docs/deploy.md"),
            "Revert the\nrelease & <retry>",
            "http://portal/docs/default/component/gateway/deploy/",
        );
        expect![[r#"
            Some(
                "https://github.com/acme/gateway/issues/new?title=Documentation%20feedback%3A%20Revert%20the%20release%20%26%20%3Cretry%3E&body=%23%23%20Documentation%20feedback%0A%0A%23%23%23%23%20The%20highlighted%20text%0A%0A%3E%20Revert%20the%0A%3E%20release%20%26%20%3Cretry%3E%0A%0A%23%23%23%23%20The%20comment%20on%20the%20text%0A%0A_Replace%20this%20line%20with%20your%20comment._%0A%0APage%3A%20%5BDeploy%5D%28http%3A%2F%2Fportal%2Fdocs%2Fdefault%2Fcomponent%2Fgateway%2Fdeploy%2F%29%0AMarkdown%20file%3A%20%3Chttps%3A%2F%2Fgithub.com%2Facme%2Fgateway%2Fedit%2Fmain%2Fdocs%2Fdeploy.md%3E%0A",
            )
        "#]]
        .assert_debug_eq(&github);
        let gitlab = issue_url("https://gitlab.example.com/team/app", "Home", None, "x", "/docs/");
        assert!(
            gitlab.as_deref().is_some_and(|u| u.starts_with(
                "https://gitlab.example.com/team/app/-/issues/new?issue%5Btitle%5D=Documentation%20feedback%3A%20x&issue%5Bdescription%5D="
            )),
            "{gitlab:?}"
        );
        assert_eq!(issue_url("https://git.example/demo", "Home", None, "x", "/docs/"), None);
        assert_eq!(issue_url("not a url", "Home", None, "x", "/docs/"), None);
        let long = "word ".repeat(100);
        let capped = issue_url("https://github.com/a/b", "T", None, &long, "/").unwrap_or_default();
        let title = capped.split("&body=").next().unwrap_or_default();
        assert!(title.len() < 200, "the title quotes at most 60 characters: {title}");
    }
}
