//! Playlists for players that cannot send headers. Safari's native HLS player fetches every
//! URI a playlist names by itself, so when the token came in the query string, each relative
//! URI (variant playlists, segments, `EXT-X-MAP`, `EXT-X-KEY`, renditions, parts, hints) gets
//! the same token appended. Absolute URIs point elsewhere and never receive it.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The tag attributes that hold URIs (RFC 8216 and its low-latency additions).
const URI_ATTRIBUTE: &str = "URI=\"";

/// RFC 3986's unreserved characters stay as they are (a JWT is made of them and dots).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `playlist` with `token` added to every relative URI as `token=…`.
pub fn with_token(playlist: &str, token: &str) -> String {
    let parameter = format!("token={}", utf8_percent_encode(token, QUERY_VALUE));
    let mut out = String::with_capacity(playlist.len() + 64);
    for line in playlist.split_inclusive('\n') {
        let (content, ending) = split_ending(line);
        if content.starts_with('#') {
            out.push_str(&rewrite_attributes(content, &parameter));
        } else if !content.trim().is_empty() {
            out.push_str(&with_parameter(content.trim(), &parameter));
        } else {
            out.push_str(content);
        }
        out.push_str(ending);
    }
    out
}

fn split_ending(line: &str) -> (&str, &str) {
    let content = line.trim_end_matches(['\r', '\n']);
    (content, &line[content.len()..])
}

fn rewrite_attributes(tag: &str, parameter: &str) -> String {
    let mut out = String::with_capacity(tag.len() + parameter.len());
    let mut rest = tag;
    while let Some(at) = rest.find(URI_ATTRIBUTE) {
        let start = at + URI_ATTRIBUTE.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find('"') else { break };
        out.push_str(&with_parameter(&rest[..end], parameter));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `uri` with `parameter` in its query, unless it is absolute (has a scheme, or starts `//`)
/// or is a `data:`/`skd:` style reference.
fn with_parameter(uri: &str, parameter: &str) -> String {
    if is_absolute(uri) {
        return uri.to_owned();
    }
    let (before_fragment, fragment) = match uri.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (uri, None),
    };
    let separator = if before_fragment.contains('?') {
        '&'
    } else {
        '?'
    };
    let mut out = format!("{before_fragment}{separator}{parameter}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn is_absolute(uri: &str) -> bool {
    if uri.starts_with("//") {
        return true;
    }
    // A scheme: letters, digits, `+ - .`, then `:` before any `/`, `?` or `#`.
    match uri.find([':', '/', '?', '#']) {
        Some(at) if uri.as_bytes()[at] == b':' => {
            at > 0
                && uri[..at]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relative_uri_gets_the_token() {
        let master = "#EXTM3U\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/en.m3u8\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\n\
            v0/index.m3u8\n\
            #EXT-X-STREAM-INF:BANDWIDTH=800000\r\n\
            https://cdn.example.com/v1/index.m3u8\r\n";
        let rewritten = with_token(master, "a.b-c_d");
        assert_eq!(
            rewritten,
            "#EXTM3U\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/en.m3u8?token=a.b-c_d\"\n\
            #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\n\
            v0/index.m3u8?token=a.b-c_d\n\
            #EXT-X-STREAM-INF:BANDWIDTH=800000\r\n\
            https://cdn.example.com/v1/index.m3u8\r\n"
        );
    }

    #[test]
    fn media_playlists_keep_their_tags_and_existing_queries() {
        let media = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n\
            #EXT-X-MAP:URI=\"init.mp4\"\n\
            #EXT-X-KEY:METHOD=AES-128,URI=\"key.key?v=2\",IV=0x1\n\
            #EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://key-server/1\"\n\
            #EXTINF:2.000,\nseg0.m4s\n\n#EXTINF:2.000,\nseg1.m4s#t=0\n#EXT-X-ENDLIST\n";
        let rewritten = with_token(media, "T");
        assert!(rewritten.contains("#EXT-X-MAP:URI=\"init.mp4?token=T\"\n"));
        assert!(rewritten.contains("URI=\"key.key?v=2&token=T\",IV=0x1\n"));
        assert!(rewritten.contains("URI=\"skd://key-server/1\"\n"));
        assert!(rewritten.contains("\nseg0.m4s?token=T\n\n"));
        assert!(rewritten.contains("\nseg1.m4s?token=T#t=0\n"));
        assert!(rewritten.contains("#EXTINF:2.000,\n"));
        assert!(rewritten.ends_with("#EXT-X-ENDLIST\n"));
    }

    #[test]
    fn absolute_uris_are_recognised() {
        for uri in [
            "https://x/y.ts",
            "//cdn/y.ts",
            "data:text/plain,x",
            "skd://k",
        ] {
            assert!(is_absolute(uri), "{uri}");
        }
        for uri in ["y.ts", "v0/y.ts", "y.ts?a=b:c", "../y.ts", "a/b:c.ts"] {
            assert!(!is_absolute(uri), "{uri}");
        }
    }
}
