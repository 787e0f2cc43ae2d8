//! The codes CSV (seed 002 `GET /api/admin/events/:id/tokens/export`).

use chrono::{DateTime, Utc};

use crate::model::{time, AccessCode};

/// `code,label,status,createdAt,expiresAt`, one row per code, status as of `now`. Cells that a
/// spreadsheet would run as a formula are neutralised.
pub fn codes_csv(codes: &[AccessCode], now: DateTime<Utc>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let rows =
        std::iter::once(["code", "label", "status", "createdAt", "expiresAt"].map(String::from))
            .chain(codes.iter().map(|code| {
                [
                    code.code.clone(),
                    code.label.as_deref().map(formula_safe).unwrap_or_default(),
                    code.status(now).as_str().to_owned(),
                    time::format(&code.created_at),
                    time::format(&code.expires_at),
                ]
            }));
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// OWASP's advice against CSV injection: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return is prefixed with `'` so spreadsheets show it as text.
fn formula_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(label: Option<&str>) -> AccessCode {
        AccessCode::sample(label)
    }

    #[test]
    fn header_and_rows_with_status_and_times() {
        let now = time::parse("2025-03-10T00:00:00Z").unwrap();
        let mut revoked = code(Some("VIP, row 1"));
        revoked.is_revoked = true;
        let csv = codes_csv(&[code(None), revoked], now);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "code,label,status,createdAt,expiresAt");
        assert_eq!(
            lines[1],
            "Ab3kF9mNx2Qp,,unused,2025-03-01T12:00:00.000Z,2025-03-17T17:00:00.000Z"
        );
        assert_eq!(
            lines[2],
            "Ab3kF9mNx2Qp,\"VIP, row 1\",revoked,2025-03-01T12:00:00.000Z,2025-03-17T17:00:00.000Z"
        );
        let later = time::parse("2025-04-01T00:00:00Z").unwrap();
        assert!(codes_csv(&[code(None)], later).contains(",expired,"));
    }

    #[test]
    fn formulas_are_neutralised() {
        let now = time::parse("2025-03-10T00:00:00Z").unwrap();
        for label in ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx"] {
            let csv = codes_csv(&[code(Some(label))], now);
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let row = reader.records().next().unwrap().unwrap();
            assert_eq!(row[1], format!("'{label}"), "{label}");
        }
        let csv = codes_csv(&[code(Some("Batch A"))], now);
        assert!(csv.contains(",Batch A,"));
    }
}
