//! Signing in and proving it later: the installation's first start (default account, first
//! owner), the break-glass superadmin, user sign-in and its per-address limit, dashboard JWTs,
//! and turning a session's or token's [`Subject`] back into a [`Principal`].

use std::{net::IpAddr, time::Duration};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::{audit::record_audit, member_principal, secret, AccountService, RateLimit};
use crate::{
    model::{time, CredentialKind, Me, NewMember, Principal, Role, Subject},
    store::{Store, UserRecord},
    DomainError,
};

/// The settings key under which a generated JWT secret is kept.
pub(super) const JWT_SECRET_SETTING: &str = "dashboard_jwt_secret";
pub(super) const JWT_SECRET_VARIABLE: &str = "STREAMGATE_JWT_SECRET";
const JWT_ISSUER: &str = "streamgate";
const JWT_AUDIENCE: &str = "streamgate-dashboard";
/// Seed 001: dashboard JWTs live about 12 hours.
pub const DASHBOARD_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// Who the first start creates when nobody can sign in otherwise.
pub const FIRST_OWNER_EMAIL: &str = "owner@streamgate.local";

/// `ADMIN_USER` / `ADMIN_PASS`: the platform operator's way in, never locked out.
#[derive(Clone)]
pub struct BreakGlass {
    user_digest: [u8; 32],
    password_digest: [u8; 32],
}

impl BreakGlass {
    pub fn new(user: &str, password: &str) -> Self {
        Self {
            user_digest: digest(&user.trim().to_lowercase()),
            password_digest: digest(password),
        }
    }

    /// Compares in constant time (digests first, so lengths do not leak either). Without a
    /// user (seed 002's `{"password"}` form) only the password is compared.
    fn admits(&self, user: Option<&str>, password: &str) -> bool {
        let password_ok = self.password_digest.ct_eq(&digest(password));
        let user_ok = match user {
            Some(user) => self.user_digest.ct_eq(&digest(&user.trim().to_lowercase())),
            None => subtle::Choice::from(1),
        };
        (password_ok & user_ok).into()
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// How dashboard credentials are checked; built once at start-up.
#[derive(Clone)]
pub struct AuthConfig {
    encoding: EncodingKey,
    decoding: DecodingKey,
    break_glass: Option<BreakGlass>,
    sign_in_limit: RateLimit,
}

impl AuthConfig {
    /// Seed 002: 10 sign-in attempts a minute per client address, whatever their outcome.
    pub const DEFAULT_SIGN_IN_LIMIT: RateLimit = RateLimit::per_minute(10);

    pub fn new(jwt_secret: &[u8], break_glass: Option<BreakGlass>) -> Self {
        Self {
            encoding: EncodingKey::from_secret(jwt_secret),
            decoding: DecodingKey::from_secret(jwt_secret),
            break_glass,
            sign_in_limit: Self::DEFAULT_SIGN_IN_LIMIT,
        }
    }

    /// Sign-in attempts allowed per client address (counted in the database, so every app
    /// instance sharing it counts together).
    pub fn with_sign_in_limit(self, sign_in_limit: RateLimit) -> Self {
        Self {
            sign_in_limit,
            ..self
        }
    }

    /// A throw-away configuration: random secret, no break-glass admin (tests, CLI tasks).
    pub fn ephemeral() -> Self {
        Self::new(secret::random_alphanumeric(48).as_bytes(), None)
    }

    fn has_break_glass(&self) -> bool {
        self.break_glass.is_some()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct DashboardClaims {
    /// `user:<uuid>` or `superadmin`.
    sub: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

pub struct AuthService<'a> {
    store: &'a dyn Store,
    accounts: AccountService<'a>,
    config: &'a AuthConfig,
}

impl<'a> AuthService<'a> {
    pub(super) fn new(
        store: &'a dyn Store,
        accounts: AccountService<'a>,
        config: &'a AuthConfig,
    ) -> Self {
        Self {
            store,
            accounts,
            config,
        }
    }

    /// What every start does before serving: gives the installation its default account (the
    /// oldest account, else a new one), and when nobody could sign in otherwise (no break-glass
    /// admin, no user) adds the owner [`FIRST_OWNER_EMAIL`] to it with a random password, which
    /// it returns for showing once. `None` when someone can already sign in (or another
    /// instance sharing the database created the owner first).
    pub async fn prepare_installation(&self) -> Result<Option<String>, DomainError> {
        let account_id = self.accounts.ensure_default_account().await?;
        if self.config.has_break_glass() || self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let password = secret::random_alphanumeric(20);
        let owner = NewMember {
            email: FIRST_OWNER_EMAIL.into(),
            password: password.clone(),
            role: Role::Owner,
        };
        match self
            .accounts
            .add_member(&Principal::Operator, Some(account_id), owner, None)
            .await
        {
            Ok(_) => Ok(Some(password)),
            Err(DomainError::Conflict { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Signs in with `{email, password}`, or seed 002's `{password}` alone: the break-glass
    /// admin's (checked first, never locked out), else the installation's first owner's. With
    /// `ip` (every door; the command line has none) at most the configured number of attempts
    /// a minute count from one address, whatever their outcome.
    pub async fn sign_in(
        &self,
        email: Option<&str>,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<Subject, DomainError> {
        if let Some(ip) = ip {
            let key = format!("sign_in:{ip}");
            let limit = self.config.sign_in_limit;
            if let Some(retry_after_secs) = limit.hit(self.store, &key, time::now()).await? {
                tracing::warn!(%ip, "sign-in rate limit reached");
                return Err(DomainError::TooManyAttempts { retry_after_secs });
            }
        }
        let email = email.map(str::trim).filter(|email| !email.is_empty());
        if let Some(break_glass) = &self.config.break_glass {
            if break_glass.admits(email, password) {
                record_audit(
                    self.store,
                    None,
                    "superadmin",
                    "sign_in.succeeded",
                    None,
                    ip,
                )
                .await?;
                return Ok(Subject::Superadmin);
            }
        }
        let member = match email {
            Some(email) => self.accounts.sign_in(email, password, ip).await?,
            None => {
                let owner = self.first_owner().await?;
                match self.accounts.verify_sign_in(owner, password, ip).await? {
                    Some(member) => member,
                    None => {
                        record_audit(self.store, None, "superadmin", "sign_in.failed", None, ip)
                            .await?;
                        return Err(DomainError::InvalidCredentials);
                    }
                }
            }
        };
        Ok(Subject::User {
            user_id: member.user_id,
        })
    }

    /// The installation's first owner: the oldest owner of the default account.
    async fn first_owner(&self) -> Result<Option<UserRecord>, DomainError> {
        let Some(account_id) = self.accounts.default_account().await? else {
            return Ok(None);
        };
        let members = self.store.list_members(account_id).await?;
        match members
            .into_iter()
            .find(|member| member.role == Role::Owner)
        {
            Some(owner) => Ok(self.store.find_user(owner.user_id).await?),
            None => Ok(None),
        }
    }

    /// The principal a credential for `subject`, issued at `issued_at` (Unix seconds), acts as;
    /// refused when the user is gone or deactivated, their credentials changed since, or (for
    /// the superadmin) break-glass is no longer configured.
    pub async fn principal(
        &self,
        subject: Subject,
        issued_at: i64,
        via: CredentialKind,
    ) -> Result<Principal, DomainError> {
        const REVOKED: DomainError = DomainError::Unauthenticated {
            reason: "Credential is no longer valid",
        };
        match subject {
            Subject::Superadmin if self.config.has_break_glass() => {
                Ok(Principal::Superadmin { via })
            }
            Subject::Superadmin => Err(REVOKED),
            Subject::User { user_id } => {
                let user = self.store.find_user(user_id).await?.ok_or(REVOKED)?;
                let changed = user
                    .credentials_changed_at
                    .is_some_and(|changed| changed.timestamp() > issued_at);
                if !user.member.is_active || changed {
                    return Err(REVOKED);
                }
                Ok(member_principal(&user.member, via))
            }
        }
    }

    /// A dashboard JWT (HS256) for `subject`.
    pub fn issue_token(&self, subject: Subject) -> String {
        let now = time::now().timestamp();
        let claims = DashboardClaims {
            sub: match subject {
                Subject::User { user_id } => format!("user:{user_id}"),
                Subject::Superadmin => "superadmin".into(),
            },
            iss: JWT_ISSUER.into(),
            aud: JWT_AUDIENCE.into(),
            iat: now,
            exp: now + DASHBOARD_TOKEN_LIFETIME.as_secs() as i64,
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.config.encoding,
        )
        .expect("HS256 signing cannot fail")
    }

    /// Verifies a dashboard JWT: HS256 only (so `alg: none` and key confusion are refused),
    /// our issuer and audience, not expired; then resolves its subject.
    pub async fn principal_from_token(&self, token: &str) -> Result<Principal, DomainError> {
        const INVALID: DomainError = DomainError::Unauthenticated {
            reason: "Invalid or expired token",
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[JWT_ISSUER]);
        validation.set_audience(&[JWT_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims =
            jsonwebtoken::decode::<DashboardClaims>(token, &self.config.decoding, &validation)
                .map_err(|_| INVALID)?
                .claims;
        let (subject, via) = match claims.sub.as_str() {
            "superadmin" => (Subject::Superadmin, CredentialKind::AdminJwt),
            sub => {
                let user_id = sub
                    .strip_prefix("user:")
                    .and_then(|id| Uuid::parse_str(id).ok())
                    .ok_or(INVALID)?;
                (Subject::User { user_id }, CredentialKind::UserJwt)
            }
        };
        self.principal(subject, claims.iat, via).await
    }

    /// What `/api/v1/auth/me` and the dashboard show of the caller.
    pub async fn me(&self, principal: &Principal) -> Result<Me, DomainError> {
        Ok(match principal {
            // Both stand outside every account and hold every permission.
            Principal::Superadmin { .. } | Principal::Operator => Me {
                user_id: None,
                account_id: None,
                email: None,
                role: None,
                is_superadmin: true,
                via: principal.via(),
            },
            Principal::ApiToken {
                account_id, role, ..
            } => Me {
                user_id: None,
                account_id: Some(*account_id),
                email: None,
                role: Some(*role),
                is_superadmin: false,
                via: CredentialKind::ApiToken,
            },
            Principal::Member {
                user_id,
                account_id,
                role,
                via,
            } => {
                let email = self
                    .store
                    .find_user(*user_id)
                    .await?
                    .map(|user| user.member.email);
                Me {
                    user_id: Some(*user_id),
                    account_id: Some(*account_id),
                    email,
                    role: Some(*role),
                    is_superadmin: false,
                    via: *via,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_glass_admits_only_the_exact_password_and_user() {
        let admin = BreakGlass::new("Admin", "s3cret-pass");
        assert!(admin.admits(Some("admin"), "s3cret-pass"));
        assert!(admin.admits(Some(" ADMIN "), "s3cret-pass"));
        assert!(admin.admits(None, "s3cret-pass"));
        assert!(!admin.admits(Some("admin"), "s3cret-pass "));
        assert!(!admin.admits(Some("root"), "s3cret-pass"));
        assert!(!admin.admits(None, ""));
    }
}
