//! The file a stream request names, decided on the raw request path. Each segment is
//! percent-decoded exactly once and then must be a plain file or directory name: no `..`, `.`,
//! empty segments, slashes or backslashes smuggled in encoded, NUL, or a `%` left over (double
//! encoding). So no spelling of a path reaches outside `/streams/{eventId}/`.

use percent_encoding::percent_decode_str;
use uuid::Uuid;

/// What a stream file is, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A playlist: served fresh, never cached, its URIs rewritten for query-token players.
    Playlist,
    /// Media (segments, init sections, keys, subtitles): byte ranges, cacheable.
    Media(&'static str),
}

impl FileKind {
    fn of(name: &str) -> Option<FileKind> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "m3u8" => FileKind::Playlist,
            "ts" => FileKind::Media("video/mp2t"),
            "m4s" | "cmfv" | "cmfa" => FileKind::Media("video/iso.segment"),
            "mp4" | "m4v" => FileKind::Media("video/mp4"),
            "m4a" => FileKind::Media("audio/mp4"),
            "aac" => FileKind::Media("audio/aac"),
            "vtt" | "webvtt" => FileKind::Media("text/vtt"),
            "key" => FileKind::Media("application/octet-stream"),
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Playlist => "application/vnd.apple.mpegurl",
            FileKind::Media(content_type) => content_type,
        }
    }
}

/// A request for one file of one event's stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamFile {
    pub event_id: Uuid,
    /// Decoded, checked path segments under the event's directory.
    pub segments: Vec<String>,
    /// `None` for a kind of file streams do not have (never served).
    pub kind: Option<FileKind>,
}

/// A path that is a trick (traversal, encoded separators, double encoding, …) or not a file
/// under `/streams/{eventId}/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPath;

/// Parses the raw (still percent-encoded) path of a request to `/streams/…`.
pub fn parse(raw_path: &str) -> Result<StreamFile, BadPath> {
    let rest = raw_path.strip_prefix("/streams/").ok_or(BadPath)?;
    let mut segments = rest.split('/').map(decode_segment);
    let event_id = segments
        .next()
        .ok_or(BadPath)??
        .parse::<Uuid>()
        .map_err(|_| BadPath)?;
    let segments: Vec<String> = segments.collect::<Result<_, _>>()?;
    let kind = FileKind::of(segments.last().ok_or(BadPath)?);
    Ok(StreamFile {
        event_id,
        segments,
        kind,
    })
}

fn decode_segment(raw: &str) -> Result<String, BadPath> {
    let decoded = percent_decode_str(raw).decode_utf8().map_err(|_| BadPath)?;
    let plain = !decoded.is_empty()
        && decoded != "."
        && decoded != ".."
        && !decoded
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '%' | '\0') || c.is_control());
    if plain {
        Ok(decoded.into_owned())
    } else {
        Err(BadPath)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = "0b8f1d2e-3c4a-4b5c-8d6e-7f8091a2b3c4";

    #[test]
    fn plain_paths_parse_with_their_kind() {
        let file = parse(&format!("/streams/{EVENT}/v0/seg%20001.ts")).unwrap();
        assert_eq!(file.event_id.to_string(), EVENT);
        assert_eq!(file.segments, ["v0", "seg 001.ts"]);
        assert_eq!(file.kind.unwrap().content_type(), "video/mp2t");
        let kind = |name: &str| parse(&format!("/streams/{EVENT}/{name}")).unwrap().kind;
        assert_eq!(kind("stream.m3u8"), Some(FileKind::Playlist));
        assert_eq!(kind("init.mp4").unwrap().content_type(), "video/mp4");
    }

    #[test]
    fn traversal_and_encoding_tricks_are_refused() {
        let other = "11111111-2222-4333-8444-555555555555";
        for path in [
            format!("/streams/{EVENT}/../{other}/stream.m3u8"),
            format!("/streams/{EVENT}/%2e%2e/{other}/stream.m3u8"),
            format!("/streams/{EVENT}/%2E%2E/{other}/stream.m3u8"),
            format!("/streams/{EVENT}/.%2e/{other}/stream.m3u8"),
            format!("/streams/{EVENT}/..%2f{other}%2fstream.m3u8"),
            format!("/streams/{EVENT}/%2e%2e%2f{other}%2fstream.m3u8"),
            format!("/streams/{EVENT}/..%5c{other}%5cstream.m3u8"),
            format!("/streams/{EVENT}/..\\{other}\\stream.m3u8"),
            format!("/streams/{EVENT}/%252e%252e/{other}/stream.m3u8"),
            format!("/streams/{EVENT}/%c0%ae%c0%ae/{other}/stream.m3u8"),
            format!("/streams/{EVENT}/./stream.m3u8"),
            format!("/streams/{EVENT}//stream.m3u8"),
            format!("/streams/{EVENT}/stream.m3u8%00.ts"),
            format!("/streams/..%2f{other}/stream.m3u8"),
            format!("/streams/%2e%2e/{EVENT}/stream.m3u8"),
            format!("/streams/{EVENT}/"),
            format!("/streams/{EVENT}"),
            "/streams/not-a-uuid/stream.m3u8".to_owned(),
            format!("/other/{EVENT}/stream.m3u8"),
        ] {
            assert_eq!(parse(&path), Err(BadPath), "{path}");
        }
    }

    #[test]
    fn files_streams_do_not_have_are_not_served() {
        for name in ["encoder.log", "secrets", "stream.m3u8.bak", ".env"] {
            assert_eq!(
                parse(&format!("/streams/{EVENT}/{name}")).unwrap().kind,
                None,
                "{name}"
            );
        }
    }
}
