//! How the dashboard shows a refused call: the message in an alert, next to the form field it
//! names when it names one, and the latest refusal among a page's actions.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::AppError;

/// A refusal's message, announced to screen readers.
#[component]
pub fn Alert(error: AppError) -> impl IntoView {
    view! { <p class="error" role="alert">{error.to_string()}</p> }
}

/// A page that could not load still names itself: its tab `title` and `heading` above the
/// alert.
#[component]
pub fn PageError(title: &'static str, heading: &'static str, error: AppError) -> impl IntoView {
    view! {
        <Title text=title />
        <h1>{heading}</h1>
        <Alert error />
    }
}

/// The refusal of an action's latest call, if it was refused.
pub fn refusal<T>(
    outcome: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || outcome.get().and_then(Result::err))
}

/// Keeps `action_error` at the refusal of whichever watched action answered last: its error
/// stays until another succeeds.
pub fn report_failures<T>(
    outcome: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    action_error: RwSignal<Option<AppError>>,
) where
    T: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(result) = outcome.get() {
            action_error.set(result.err());
        }
    });
}

/// The message of the latest refusal when it names `field` (the domain's field name), shown
/// next to that field.
pub fn field_error(
    errors: Signal<Option<AppError>>,
    field: &'static str,
    id: impl Into<String>,
) -> impl IntoView {
    let id = id.into();
    move || {
        errors.with(|err| match err {
            Some(AppError::Invalid { field: f, message }) if f == field => Some(view! {
                <p class="field-error" id=id.clone() role="alert">{message.clone()}</p>
            }),
            _ => None,
        })
    }
}

/// The latest refusal unless it names one of `fields` (those show next to their field):
/// permission, storage and other errors no field explains.
pub fn other_error(
    errors: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        errors.get().and_then(|error| match &error {
            AppError::Invalid { field, .. } if fields.contains(&field.as_str()) => None,
            _ => Some(view! { <Alert error /> }),
        })
    }
}
