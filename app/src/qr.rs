//! QR codes for printed tickets, drawn on the server as SVG (the browser bundle never carries
//! the encoder).

use qrcode::{render::svg, EcLevel, QrCode};

/// The viewer page's address with `code` filled in: `<origin>/?code=…`.
pub fn ticket_url(origin: &str, code: &str) -> String {
    format!(
        "{}/?code={}",
        origin.trim_end_matches('/'),
        crate::url::encode(code)
    )
}

/// `text` as an SVG QR code (error correction M, with the quiet zone), about `size` pixels wide.
pub fn svg(text: &str, size: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(size, size)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_urls_point_at_the_viewer_page() {
        assert_eq!(
            ticket_url("https://live.example.com/", "Ab3kF9mNx2Qp"),
            "https://live.example.com/?code=Ab3kF9mNx2Qp"
        );
        assert_eq!(ticket_url("http://x", "a b"), "http://x/?code=a%20b");
    }

    #[test]
    fn svgs_are_drawn() {
        let image = svg("https://live.example.com/?code=Ab3kF9mNx2Qp", 160).unwrap();
        assert!(image.contains("<svg") && image.contains("<path"));
    }
}
