//! `/`: where a viewer enters the access code from their ticket. Before the page hydrates it is
//! a plain form (submitting reloads `/?code=…`); once hydrated, `/?code=…` (QR tickets) submits
//! by itself, and a valid code opens the watch page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use streamgate_domain::model::CODE_LENGTH;

use crate::{
    components::page::ViewerCard,
    viewer::outcome::{normalize_code, CodeRefusal},
};

#[component]
pub fn HomePage() -> impl IntoView {
    // `/?code=…` (QR tickets) arrives pre-filled.
    let initial = use_query_map().with_untracked(|query| query.get("code").unwrap_or_default());
    let code = RwSignal::new(initial.clone());
    let refusal = RwSignal::new(None::<CodeRefusal>);
    let checking = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let submit = move || {
        let typed = normalize_code(&code.get_untracked());
        if typed.is_empty() {
            refusal.set(Some(CodeRefusal::Missing));
            return;
        }
        checking.set(true);
        refusal.set(None);
        #[cfg(feature = "hydrate")]
        browser::open(typed, refusal, checking, navigate.get_value());
    };
    // A code in the address submits by itself once the page is interactive.
    let auto = !initial.trim().is_empty();
    Effect::new(move |done: Option<()>| {
        if done.is_none() && auto {
            submit();
        }
    });

    view! {
        <ViewerCard
            title=""
            class="code-entry"
            heading_id="code-entry-title"
            heading="Watch the live stream"
            lede="Enter the access code from your ticket."
        >
            <form
                method="get"
                action="/"
                class="code-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <label for="code">"Access code"</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    inputmode="text"
                    maxlength="40"
                    aria-describedby="code-hint code-error"
                    aria-invalid=move || refusal.read().is_some().to_string()
                    value=initial
                    on:input=move |ev| code.set(event_target_value(&ev))
                />
                <p id="code-hint" class="hint" aria-live="polite">
                    {move || code_hint(&code.read())}
                </p>
                <p id="code-error" class="form-error" role="alert" data-testid="code-error">
                    {move || refusal.get().map(|refusal| refusal.message())}
                </p>
                <button type="submit" disabled=move || checking.get()>
                    {move || if checking.get() { "Checking…" } else { "Watch" }}
                </button>
            </form>
        </ViewerCard>
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

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::{prelude::*, task::spawn_local};
    use leptos_router::NavigateOptions;

    use crate::viewer::{
        grant_store,
        outcome::CodeRefusal,
        public_api::{self, Answer},
    };

    /// Validates `code`; a grant opens the watch page, a refusal shows why.
    pub fn open(
        code: String,
        refusal: RwSignal<Option<CodeRefusal>>,
        checking: RwSignal<bool>,
        navigate: impl Fn(&str, NavigateOptions) + 'static,
    ) {
        spawn_local(async move {
            let answer = public_api::validate(&code).await;
            checking.set(false);
            match answer {
                Answer::Ok(grant) => {
                    let path = format!("/watch/{}", grant.event_id);
                    grant_store::hand_over(&code, grant);
                    navigate(&path, NavigateOptions::default());
                }
                Answer::Refused {
                    status,
                    error,
                    retry_after,
                } => refusal.set(Some(CodeRefusal::from_answer(status, &error, retry_after))),
                Answer::Unreachable => refusal.set(Some(CodeRefusal::Unreachable)),
            }
        });
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
