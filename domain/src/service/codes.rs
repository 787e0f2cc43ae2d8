//! Access codes: minting them in batches, listing, exporting, revoking and un-revoking.
//! Every change is audited.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    audit::{actor, record_audit},
    event_rules::non_empty,
    quotas::quota_check,
    secret::random_alphanumeric,
    Context,
};
use crate::{
    model::{
        time, AccessChange, AccessCode, CodeQuery, Event, NewCodes, Page, Permission, Principal,
        QuotaMetric, CODE_LENGTH, MAX_CODES_PER_BATCH,
    },
    DomainError,
};

const LABEL_MAX_CHARS: usize = 200;
/// Ids per bulk revocation: enough for a whole page selection, small enough for one statement.
pub const MAX_BULK_REVOKE: usize = 1000;
const NOT_FOUND: DomainError = DomainError::NotFound {
    what: "Access code",
};

pub struct CodeService<'a> {
    context: Context<'a>,
}

impl<'a> CodeService<'a> {
    pub(super) fn new(context: Context<'a>) -> Self {
        Self { context }
    }

    /// Mints `input.count` (1–500) new codes for an event, all or none. Needs `codes:create`;
    /// a batch that would take the account past its code quota writes nothing.
    pub async fn generate(
        &self,
        principal: &Principal,
        event_id: Uuid,
        input: NewCodes,
        ip: Option<IpAddr>,
    ) -> Result<Vec<AccessCode>, DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesCreate)?;
        let event = self.context.events().visible(principal, event_id).await?;
        if !(1..=MAX_CODES_PER_BATCH).contains(&input.count) {
            return Err(DomainError::validation(
                "count",
                format!("Count must be between 1 and {MAX_CODES_PER_BATCH}"),
            ));
        }
        let label = non_empty(input.label);
        if label
            .as_ref()
            .is_some_and(|label| label.chars().count() > LABEL_MAX_CHARS)
        {
            return Err(DomainError::validation(
                "label",
                format!("label must be at most {LABEL_MAX_CHARS} characters"),
            ));
        }
        let now = time::now();
        let expires_at = event.codes_expire_at();
        let codes = (0..input.count)
            .map(|_| AccessCode {
                id: Uuid::new_v4(),
                code: new_code(),
                event_id: event.id,
                label: label.clone(),
                is_revoked: false,
                revoked_at: None,
                redeemed_at: None,
                redeemed_ip: None,
                expires_at,
                created_at: now,
            })
            .collect();
        let quota = quota_check(&self.context, event.account_id, QuotaMetric::Codes).await?;
        let store = self.context.store;
        let codes = store.insert_codes(codes, &new_code, quota).await?;
        record_audit(
            self.context.store,
            event.account_id,
            &actor(principal),
            "codes.generated",
            Some(format!("event:{} ({} codes)", event.id, codes.len())),
            ip,
        )
        .await?;
        Ok(codes)
    }

    /// A page of codes, newest first: of one event (which the caller must see) or of every
    /// event the caller sees (every account's for the superadmin and the operator). Needs
    /// `codes:read`.
    pub async fn list(
        &self,
        principal: &Principal,
        mut query: CodeQuery,
    ) -> Result<Page<AccessCode>, DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesRead)?;
        if let Some(event_id) = query.event_id {
            self.context.events().visible(principal, event_id).await?;
        }
        let account_id = principal.account_id();
        let after = query.page.cursor.as_deref().map(parse_cursor).transpose()?;
        query.search = non_empty(query.search);
        let limit = query.page.limit as usize;
        let (mut items, total) = self
            .context
            .store
            .list_codes(account_id, &query, after, time::now())
            .await?;
        let next_cursor = (items.len() > limit).then(|| {
            items.truncate(limit);
            items.last().map(cursor_of)
        });
        Ok(Page {
            items,
            total,
            next_cursor: next_cursor.flatten(),
        })
    }

    /// One code. Needs `codes:read`; another account's code is not found.
    pub async fn get(&self, principal: &Principal, id: Uuid) -> Result<AccessCode, DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesRead)?;
        self.visible(principal, id).await.map(|(code, _)| code)
    }

    /// The event and all its codes, for the CSV export. Needs `codes:export`.
    pub async fn export(
        &self,
        principal: &Principal,
        event_id: Uuid,
    ) -> Result<(Event, Vec<AccessCode>), DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesExport)?;
        let event = self.context.events().visible(principal, event_id).await?;
        let codes = self.context.store.list_event_codes(event_id).await?;
        Ok((event, codes))
    }

    /// Revokes a code (again: keeps the first revocation time), or makes a revoked code work
    /// again unless it has expired. Needs `codes:revoke`.
    pub async fn set_revoked(
        &self,
        principal: &Principal,
        id: Uuid,
        revoked: bool,
        ip: Option<IpAddr>,
    ) -> Result<AccessCode, DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesRevoke)?;
        let (code, event) = self.visible(principal, id).await?;
        if code.is_revoked == revoked {
            return Ok(code);
        }
        let now = time::now();
        if !revoked && code.expires_at <= now {
            return Err(DomainError::validation(
                "isRevoked",
                "An expired access code cannot be un-revoked",
            ));
        }
        let code = self
            .context
            .store
            .set_code_revoked(id, revoked, now)
            .await?
            .ok_or(NOT_FOUND)?;
        // The code's tokens stop (or start again) at the very next stream request.
        self.context
            .revocations
            .apply(&[AccessChange::revocation(&code, revoked, now)]);
        let action = if revoked {
            "code.revoked"
        } else {
            "code.unrevoked"
        };
        record_audit(
            self.context.store,
            event.account_id,
            &actor(principal),
            action,
            Some(format!("code:{} (event:{})", code.id, code.event_id)),
            ip,
        )
        .await?;
        Ok(code)
    }

    /// Revokes the listed codes the caller may see and that are not revoked yet; returns how
    /// many it revoked. Unknown ids are skipped. Needs `codes:revoke`.
    pub async fn bulk_revoke(
        &self,
        principal: &Principal,
        ids: &[Uuid],
        ip: Option<IpAddr>,
    ) -> Result<u64, DomainError> {
        self.context
            .authz
            .require(principal, Permission::CodesRevoke)?;
        if ids.is_empty() || ids.len() > MAX_BULK_REVOKE {
            return Err(DomainError::validation(
                "tokenIds",
                format!("tokenIds must list 1 to {MAX_BULK_REVOKE} ids"),
            ));
        }
        let changes = self
            .context
            .store
            .revoke_codes(ids, principal.account_id(), time::now())
            .await?;
        self.context.revocations.apply(&changes);
        let revoked = changes.len() as u64;
        if revoked > 0 {
            record_audit(
                self.context.store,
                principal.account_id(),
                &actor(principal),
                "codes.bulk_revoked",
                Some(format!("{revoked} codes")),
                ip,
            )
            .await?;
        }
        Ok(revoked)
    }

    /// A code and its event, if the caller's account owns the event.
    async fn visible(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<(AccessCode, Event), DomainError> {
        let code = self.context.store.find_code(id).await?.ok_or(NOT_FOUND)?;
        let event = self
            .context
            .events()
            .visible(principal, code.event_id)
            .await
            .map_err(|err| match err {
                DomainError::NotFound { .. } => NOT_FOUND,
                other => other,
            })?;
        Ok((code, event))
    }
}

/// A fresh code from the OS generator: 12 characters drawn uniformly from `A–Z a–z 0–9`
/// (`rand`'s `Alphanumeric` rejects out-of-range draws rather than taking a modulus).
fn new_code() -> String {
    random_alphanumeric(CODE_LENGTH)
}

/// A page cursor names the last code of the page: its creation time (Unix milliseconds) and id.
fn cursor_of(code: &AccessCode) -> String {
    format!(
        "{}_{}",
        code.created_at.timestamp_millis(),
        code.id.simple()
    )
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid), DomainError> {
    let invalid = || DomainError::validation("cursor", "cursor is not valid");
    let (millis, id) = cursor.split_once('_').ok_or_else(invalid)?;
    let at = millis
        .parse()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(invalid)?;
    let id = Uuid::try_parse(id).map_err(|_| invalid())?;
    Ok((at, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_alphanumerics_and_differ() {
        let codes: std::collections::HashSet<String> = (0..1000).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 1000);
        assert!(codes
            .iter()
            .all(|code| code.len() == 12 && code.chars().all(|c| c.is_ascii_alphanumeric())));
    }

    /// Uniformity: over 62,000 codes each of the 62 characters is expected 12,000 times (±1 %);
    /// a modulo-biased byte generator (256 % 62 = 8) would over-draw 8 of them by 25 %.
    #[test]
    fn every_character_is_about_equally_likely() {
        let mut counts = std::collections::HashMap::new();
        for _ in 0..62_000 {
            for c in new_code().chars() {
                *counts.entry(c).or_insert(0u32) += 1;
            }
        }
        assert_eq!(counts.len(), 62);
        let expected = counts.values().sum::<u32>() as f64 / 62.0;
        for (c, n) in counts {
            let deviation = (f64::from(n) - expected).abs() / expected;
            assert!(deviation < 0.08, "{c}: {n} vs {expected}");
        }
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = time::parse("2025-03-15T09:00:00.123Z").unwrap();
        let id = Uuid::new_v4();
        let code = AccessCode {
            id,
            code: new_code(),
            event_id: Uuid::nil(),
            label: None,
            is_revoked: false,
            revoked_at: None,
            redeemed_at: None,
            redeemed_ip: None,
            expires_at: at,
            created_at: at,
        };
        assert_eq!(parse_cursor(&cursor_of(&code)).unwrap(), (at, id));
        for bad in [
            "",
            "x",
            "12_notauuid",
            "abc_00000000000000000000000000000000",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
