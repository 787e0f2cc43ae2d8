//! The page for any path no route matches (the server's fallback answers it with 404).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text="Not found" />
        <main class="viewer">
            <h1>"Page not found"</h1>
            <p><a href="/">"Enter an access code"</a></p>
        </main>
    }
}
