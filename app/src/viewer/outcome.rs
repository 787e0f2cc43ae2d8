//! What the public API's answers mean to a viewer, in plain words: why a code was refused and
//! why playback ended, each with what to do next.

/// Why a code did not open the stream (made by the browser side only).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeRefusal {
    Missing,
    Unknown,
    Revoked,
    EventUnavailable,
    InUse,
    Expired,
    /// The organizer's account has as many viewers as its quota allows.
    ViewerLimit,
    TooManyAttempts {
        wait_secs: Option<u64>,
    },
    Unreachable,
}

impl CodeRefusal {
    /// The refusal behind a status and seed 002's `error` text (the browser side's).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn from_answer(status: u16, error: &str, retry_after: Option<u64>) -> Self {
        match status {
            400 => CodeRefusal::Missing,
            401 => CodeRefusal::Unknown,
            403 if error.contains("revoked") => CodeRefusal::Revoked,
            403 => CodeRefusal::EventUnavailable,
            409 => CodeRefusal::InUse,
            410 => CodeRefusal::Expired,
            // Seed 002's rate limits and the viewer quota share 429; the wording tells them apart.
            429 if error.contains("viewer limit") => CodeRefusal::ViewerLimit,
            429 => CodeRefusal::TooManyAttempts {
                wait_secs: retry_after,
            },
            _ => CodeRefusal::Unreachable,
        }
    }

    pub fn message(&self) -> String {
        match self {
            CodeRefusal::Missing => {
                "Please enter the 12-character code printed on your ticket.".to_owned()
            }
            CodeRefusal::Unknown => {
                "We couldn't find that code. Check it against your ticket and try again.".to_owned()
            }
            CodeRefusal::Revoked => "This code has been cancelled. If you think that is a \
                 mistake, contact the organizer."
                .to_owned(),
            CodeRefusal::EventUnavailable => "This event isn't available right now. Please \
                 check back later or contact the organizer."
                .to_owned(),
            CodeRefusal::InUse => "This code is in use on another device. Stop watching \
                 there (or wait a minute after closing it), then try again."
                .to_owned(),
            CodeRefusal::Expired => {
                "This code has expired: the event's viewing window has closed.".to_owned()
            }
            CodeRefusal::ViewerLimit => "This event has reached its viewer limit: as many \
                 people as the organizer allows are watching right now. Please try again in a \
                 few minutes."
                .to_owned(),
            CodeRefusal::TooManyAttempts {
                wait_secs: Some(secs),
            } => format!(
                "Too many attempts. Please wait {} and try again.",
                duration_words(*secs)
            ),
            CodeRefusal::TooManyAttempts { wait_secs: None } => {
                "Too many attempts. Please wait a minute and try again.".to_owned()
            }
            CodeRefusal::Unreachable => "We couldn't reach the server. Check your connection \
                 and try again."
                .to_owned(),
        }
    }
}

/// Why playback stopped for good (made by the browser side only).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaybackEnd {
    /// The organizer revoked the code or switched the event off.
    Revoked,
    /// Another device took the code over, or this one was silent too long.
    TakenOver,
    /// The access window closed.
    Expired,
    /// The stream could not be loaded, again and again.
    Unavailable,
}

impl PlaybackEnd {
    /// What a refused refresh or heartbeat (seed 002's statuses) means for the viewer (the
    /// browser side's).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn from_status(status: u16) -> Self {
        match status {
            403 => PlaybackEnd::Revoked,
            404 => PlaybackEnd::TakenOver,
            410 | 401 => PlaybackEnd::Expired,
            _ => PlaybackEnd::Unavailable,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PlaybackEnd::Revoked => "Access revoked",
            PlaybackEnd::TakenOver => "Watching on another device",
            PlaybackEnd::Expired => "Access ended",
            PlaybackEnd::Unavailable => "Stream unavailable",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            PlaybackEnd::Revoked => {
                "The organizer has withdrawn access for this code. If you think that is a \
                 mistake, contact them."
            }
            PlaybackEnd::TakenOver => {
                "This code is now being used on another device, or this page was inactive for \
                 too long. One device can watch per code."
            }
            PlaybackEnd::Expired => "The viewing window for this code has closed.",
            PlaybackEnd::Unavailable => {
                "The stream could not be loaded. It may not have started yet, or the \
                 connection was lost."
            }
        }
    }

    /// The way out: a label and where it leads.
    pub fn next_step(self) -> &'static str {
        match self {
            PlaybackEnd::TakenOver | PlaybackEnd::Unavailable => "Enter your code again",
            PlaybackEnd::Revoked | PlaybackEnd::Expired => "Use another code",
        }
    }
}

/// A code as typed or pasted: surrounding space, and spaces or dashes between groups, are
/// dropped when what is left is letters and digits.
pub fn normalize_code(input: &str) -> String {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        compact
    } else {
        input.trim().to_owned()
    }
}

/// "45 seconds", "1 minute", "3 minutes".
pub fn duration_words(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".to_owned(),
        2..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".to_owned(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// A countdown as the waiting screen shows it: "2 days 03:04:05", "03:04:05", "04:05".
pub fn countdown_text(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, minutes, seconds) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes:02}:{seconds:02}"),
        (0, _) => format!("{hours:02}:{minutes:02}:{seconds:02}"),
        (1, _) => format!("1 day {hours:02}:{minutes:02}:{seconds:02}"),
        _ => format!("{days} days {hours:02}:{minutes:02}:{seconds:02}"),
    }
}

/// How long access lasts, as the player's indicator says it: "5 h 12 min", "42 min".
pub fn remaining_words(secs: i64) -> String {
    let minutes = (secs.max(0) + 59) / 60;
    if minutes >= 60 {
        format!("{} h {} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_refusal_has_its_own_message() {
        let cases = [
            (400, "Access code is required", CodeRefusal::Missing),
            (401, "Invalid access code", CodeRefusal::Unknown),
            (403, "Access code has been revoked", CodeRefusal::Revoked),
            (
                403,
                "This event is not currently available",
                CodeRefusal::EventUnavailable,
            ),
            (
                409,
                "This access code is currently in use on another device",
                CodeRefusal::InUse,
            ),
            (410, "Access code has expired", CodeRefusal::Expired),
            (
                429,
                "This event has reached its viewer limit",
                CodeRefusal::ViewerLimit,
            ),
        ];
        let mut messages = std::collections::HashSet::new();
        for (status, error, expected) in cases {
            let refusal = CodeRefusal::from_answer(status, error, None);
            assert_eq!(refusal, expected);
            assert!(messages.insert(refusal.message()));
        }
        let limited = CodeRefusal::from_answer(429, "Too many requests.", Some(42));
        assert_eq!(
            limited.message(),
            "Too many attempts. Please wait 42 seconds and try again."
        );
        assert_eq!(
            CodeRefusal::from_answer(502, "", None),
            CodeRefusal::Unreachable
        );
    }

    #[test]
    fn refused_playback_calls_end_with_their_reason() {
        assert_eq!(PlaybackEnd::from_status(403), PlaybackEnd::Revoked);
        assert_eq!(PlaybackEnd::from_status(404), PlaybackEnd::TakenOver);
        assert_eq!(PlaybackEnd::from_status(410), PlaybackEnd::Expired);
        assert_eq!(PlaybackEnd::from_status(502), PlaybackEnd::Unavailable);
    }

    #[test]
    fn pasted_codes_are_forgiven_where_unambiguous() {
        assert_eq!(normalize_code("  Ab3k F9mN x2Qp \n"), "Ab3kF9mNx2Qp");
        assert_eq!(normalize_code("Ab3k-F9mN-x2Qp"), "Ab3kF9mNx2Qp");
        // Anything else stays as typed (and is refused as such).
        assert_eq!(normalize_code(" Ab3k_F9mN "), "Ab3k_F9mN");
    }

    #[test]
    fn times_read_naturally() {
        assert_eq!(duration_words(1), "1 second");
        assert_eq!(duration_words(12), "12 seconds");
        assert_eq!(duration_words(61), "1 minute");
        assert_eq!(duration_words(300), "5 minutes");
        assert_eq!(countdown_text(65), "01:05");
        assert_eq!(countdown_text(3 * 3600 + 4 * 60 + 5), "03:04:05");
        assert_eq!(countdown_text(86_400 + 5), "1 day 00:00:05");
        assert_eq!(countdown_text(3 * 86_400), "3 days 00:00:00");
        assert_eq!(countdown_text(-5), "00:00");
        assert_eq!(remaining_words(5 * 3600 + 12 * 60), "5 h 12 min");
        assert_eq!(remaining_words(42 * 60 - 30), "42 min");
    }
}
