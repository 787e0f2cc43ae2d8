//! Building addresses: percent-encoding a value and the dashboard's query strings.

/// `text` with everything but URL-safe characters (`A–Z a–z 0–9 - _ . ~`) percent-encoded.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// `?a=1&b=2` of the non-empty pairs, percent-encoded; empty when none.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_skip_empty_values_and_encode() {
        assert_eq!(query_string(&[("q", ""), ("status", "")]), "");
        assert_eq!(
            query_string(&[("q", "a b&c"), ("status", "unused")]),
            "?q=a%20b%26c&status=unused"
        );
    }

    #[test]
    fn only_url_safe_characters_stay_as_they_are() {
        assert_eq!(encode("Ab3-_.~"), "Ab3-_.~");
        assert_eq!(encode("a/b?é"), "a%2Fb%3F%C3%A9");
    }
}
