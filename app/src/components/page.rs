//! The frames pages share: a dashboard page with its heading, and a viewer page's single card.

use leptos::prelude::*;
use leptos_meta::Title;

/// A dashboard page: `title` names the tab and heads the page, with any `tools` beside it.
#[component]
pub fn AdminMain(
    title: &'static str,
    #[prop(optional)] tools: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title />
        <main class="admin">
            <header class="admin-header">
                <h1>{title}</h1>
                {tools}
            </header>
            {children()}
        </main>
    }
}

/// A viewer page holding one card: `heading` (with `heading_id`, which labels the card) and a
/// `lede` above the card's content; `title` names the tab.
#[component]
pub fn ViewerCard(
    title: &'static str,
    class: &'static str,
    heading_id: &'static str,
    heading: &'static str,
    lede: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title />
        <main class="viewer">
            <section class=class aria-labelledby=heading_id>
                <h1 id=heading_id>{heading}</h1>
                <p class="lede">{lede}</p>
                {children()}
            </section>
        </main>
    }
}
