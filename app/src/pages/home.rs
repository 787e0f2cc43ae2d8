//! `/`: where a viewer enters the access code from their ticket.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Access codes are 12 letters and digits.
const CODE_LENGTH: usize = 12;

#[component]
pub fn HomePage() -> impl IntoView {
    // `/?code=…` (QR tickets) arrives pre-filled.
    let initial = use_query_map().with_untracked(|query| query.get("code").unwrap_or_default());
    let code = RwSignal::new(initial.clone());

    view! {
        <Title text="" />
        <main class="viewer">
            <section class="code-entry" aria-labelledby="code-entry-title">
                <h1 id="code-entry-title">"Watch the live stream"</h1>
                <p class="lede">"Enter the access code from your ticket."</p>
                <form method="get" action="/" class="code-form">
                    <label for="code">"Access code"</label>
                    <input
                        id="code"
                        name="code"
                        type="text"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        inputmode="text"
                        maxlength="32"
                        aria-describedby="code-hint"
                        value=initial
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                    <p id="code-hint" class="hint" aria-live="polite">
                        {move || code_hint(&code.read())}
                    </p>
                    <button type="submit">"Watch"</button>
                </form>
            </section>
        </main>
    }
}

/// Tells the viewer how far along their code is; it updates as they type once the page has
/// hydrated.
fn code_hint(code: &str) -> String {
    let typed = code.chars().filter(char::is_ascii_alphanumeric).count();
    match typed {
        0 => format!("{CODE_LENGTH} letters and digits, as printed on your ticket."),
        n if n < CODE_LENGTH => format!("{n} of {CODE_LENGTH} characters"),
        CODE_LENGTH => "Ready to watch.".to_owned(),
        _ => format!("That is more than {CODE_LENGTH} characters."),
    }
}

#[cfg(test)]
mod tests {
    use super::code_hint;

    #[test]
    fn hint_counts_letters_and_digits_only() {
        assert_eq!(
            code_hint(""),
            "12 letters and digits, as printed on your ticket."
        );
        assert_eq!(code_hint("Ab3-kF9"), "6 of 12 characters");
        assert_eq!(code_hint("Ab3kF9mNx2Qp"), "Ready to watch.");
        assert_eq!(
            code_hint("Ab3kF9mNx2Qp7"),
            "That is more than 12 characters."
        );
    }
}
