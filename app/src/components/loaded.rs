//! A dashboard resource shown once it has loaded: the page's view of it, or the refusal.

use leptos::prelude::*;

use super::alerts::Alert;
use crate::api::AppError;

/// Shows `waiting` until `resource` first loads, then `children` of its value, or the error
/// (in an alert, unless `failed` words it for the page; a missing permission, with `forbidden`
/// naming what it guards, says who can help). On a reload the last view stays until the new
/// one is ready.
#[component]
pub fn Loaded<T, F, V>(
    resource: Resource<Result<T, AppError>>,
    waiting: &'static str,
    #[prop(optional)] failed: Option<fn(AppError) -> AnyView>,
    /// What the permission guards, e.g. "manage users".
    #[prop(optional)]
    forbidden: Option<&'static str>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p>{waiting}</p> }>
            {move || {
                resource
                    .get()
                    .map(|result| match result {
                        Ok(value) => children(value).into_any(),
                        Err(error) => match (failed, forbidden, error) {
                            (Some(failed), _, error) => failed(error),
                            (None, Some(what), AppError::Forbidden(_)) => view! {
                                <p class="error" role="alert" data-testid="forbidden">
                                    {format!(
                                        "You don't have permission to {what}. Ask an owner or administrator of your account."
                                    )}
                                </p>
                            }
                            .into_any(),
                            (None, _, error) => view! { <Alert error /> }.into_any(),
                        },
                    })
            }}
        </Transition>
    }
}
