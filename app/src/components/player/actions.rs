//! What the player's controls do to the `<video>`: in the browser; on the server, which only
//! renders the controls, nothing.

#[cfg(not(feature = "hydrate"))]
pub use inert::*;
#[cfg(feature = "hydrate")]
pub use live::*;

#[cfg(feature = "hydrate")]
mod live {
    use leptos::{html, prelude::*};

    pub fn toggle_play(video: NodeRef<html::Video>) {
        if let Some(video) = video.get_untracked() {
            if video.paused() {
                super::super::browser::play(&video);
            } else {
                let _ = video.pause();
            }
        }
    }

    pub fn toggle_mute(video: NodeRef<html::Video>) {
        if let Some(video) = video.get_untracked() {
            video.set_muted(!video.muted());
        }
    }

    pub fn set_volume(video: NodeRef<html::Video>, level: f64) {
        if let Some(video) = video.get_untracked() {
            let level = level.clamp(0.0, 1.0);
            video.set_volume(level);
            video.set_muted(level == 0.0);
        }
    }

    /// Whether the video is muted, and its volume.
    pub fn volume_state(video: NodeRef<html::Video>) -> Option<(bool, f64)> {
        video
            .get_untracked()
            .map(|video| (video.muted(), video.volume()))
    }

    /// Whether the stream has no end (live), once its duration is known.
    pub fn is_live(video: NodeRef<html::Video>) -> Option<bool> {
        video
            .get_untracked()
            .map(|video| !video.duration().is_finite())
    }

    /// Seeks by `seconds`, for streams with an end (a live stream has none to seek in).
    pub fn seek_by(video: NodeRef<html::Video>, seconds: f64) {
        if let Some(video) = video.get_untracked() {
            if video.duration().is_finite() {
                let to = (video.current_time() + seconds).clamp(0.0, video.duration());
                video.set_current_time(to);
            }
        }
    }

    pub fn choose_quality(index: i32) {
        super::super::browser::choose_quality(index);
    }

    pub fn toggle_fullscreen(container: NodeRef<html::Div>) {
        let document = document();
        if document.fullscreen_element().is_some() {
            document.exit_fullscreen();
        } else if let Some(container) = container.get_untracked() {
            let _ = container.request_fullscreen();
        }
    }
}

/// The server renders the controls; nothing plays there.
#[cfg(not(feature = "hydrate"))]
mod inert {
    use leptos::{html, prelude::*};

    pub fn toggle_play(_: NodeRef<html::Video>) {}
    pub fn toggle_mute(_: NodeRef<html::Video>) {}
    pub fn set_volume(_: NodeRef<html::Video>, _: f64) {}
    pub fn volume_state(_: NodeRef<html::Video>) -> Option<(bool, f64)> {
        None
    }
    pub fn is_live(_: NodeRef<html::Video>) -> Option<bool> {
        None
    }
    pub fn choose_quality(_: i32) {}
    pub fn toggle_fullscreen(_: NodeRef<html::Div>) {}
}
