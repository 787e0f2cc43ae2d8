//! Organizer accounts (the tenant) and which one a request acts on: founding an account with
//! its first owner, the installation's default account, user sign-in, the audit trail. Adding
//! and changing members is in `members.rs`. Every change is recorded in the audit trail.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    audit::{actor, record_audit, user_actor},
    password,
    users::{email_conflict, new_user_record, normalize_email, user_target},
    Context,
};
use crate::{
    authz::Authorizer,
    model::{time, Account, AuditEntry, Member, Permission, Principal, Role},
    store::{Store, StoreError, UserRecord},
    DomainError,
};

const ACCOUNT_NAME_MAX_CHARS: usize = 100;
/// The settings key that names the installation's default account.
const DEFAULT_ACCOUNT_SETTING: &str = "default_account_id";
/// The name the first start gives the default account when it has to create one.
const DEFAULT_ACCOUNT_NAME: &str = "StreamGate";

pub struct AccountService<'a> {
    pub(super) store: &'a dyn Store,
    pub(super) authz: &'a Authorizer,
    /// For quotas and usage (see `quotas.rs`).
    pub(super) context: Context<'a>,
}

impl<'a> AccountService<'a> {
    pub(super) fn new(context: Context<'a>) -> Self {
        Self {
            store: context.store,
            authz: context.authz,
            context,
        }
    }

    /// An operator's bootstrap (command line, tests): a new account and its first owner.
    pub async fn create_account_with_owner(
        &self,
        account_name: &str,
        email: &str,
        password: &str,
    ) -> Result<(Account, Member), DomainError> {
        let name = valid_account_name("accountName", account_name)?;
        let account = Account {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at: time::now(),
        };
        let user = new_user_record(account.id, email, password, Role::Owner).await?;
        self.store
            .insert_account(&account, Some(&user))
            .await
            .map_err(email_conflict)?;
        let operator = actor(&Principal::Operator);
        let target = Some(user_target(&user.member));
        record_audit(
            self.store,
            Some(account.id),
            &operator,
            "user.created",
            target,
            None,
        )
        .await?;
        Ok((account, user.member))
    }

    /// Checks an email and password. Unknown emails, wrong passwords and deactivated users all
    /// get the same answer (and take the same time).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        let email = normalize_email(email);
        let user = self.store.find_user_by_email(&email).await?;
        let account_id = user.as_ref().map(|user| user.member.account_id);
        match self.verify_sign_in(user, password, ip).await? {
            Some(member) => Ok(member),
            None => {
                record_audit(self.store, account_id, &email, "sign_in.failed", None, ip).await?;
                Err(DomainError::InvalidCredentials)
            }
        }
    }

    /// The member, if `password` is theirs and they are active; the success is audited, a
    /// failure is left to the caller. With no user the same work is done, so timing does not
    /// tell whether one exists.
    pub(super) async fn verify_sign_in(
        &self,
        user: Option<UserRecord>,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<Option<Member>, DomainError> {
        let hash = user.as_ref().map(|user| user.password_hash.as_str());
        let verified = password::verify(password, hash).await;
        let Some(member) = user
            .map(|user| user.member)
            .filter(|member| verified && member.is_active)
        else {
            return Ok(None);
        };
        let actor = user_actor(member.user_id);
        record_audit(
            self.store,
            Some(member.account_id),
            &actor,
            "sign_in.succeeded",
            None,
            ip,
        )
        .await?;
        Ok(Some(member))
    }

    /// The account a request acts on (`/api/v1`): the one `asked` for (a member may only name
    /// their own; another answers "not found"), else the member's own. The superadmin, outside
    /// every account, must name one; the operator naming none acts on the installation's
    /// default account (before the first start chose one: the only account).
    pub async fn acting_account(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        match (principal, asked) {
            // The operator's ids are typed by hand: an unknown one is told apart.
            (Principal::Operator, Some(asked)) => match self.store.find_account(asked).await? {
                Some(account) => Ok(account.id),
                None => Err(DomainError::NotFound { what: "Account" }),
            },
            (_, Some(asked)) => {
                self.authz.scope(principal, asked, "Account")?;
                Ok(asked)
            }
            (Principal::Superadmin { .. }, None) => Err(DomainError::validation(
                "accountId",
                "accountId is required for the superadmin",
            )),
            (_, None) => self.default_acting_account(principal).await,
        }
    }

    /// The account a request acts on through a door without an account concept (seed 002's
    /// admin API, the command line): a member's own; for the superadmin and the operator the
    /// installation's default account (before the first start chose one: the only account).
    pub async fn default_acting_account(&self, principal: &Principal) -> Result<Uuid, DomainError> {
        if let Some(own) = principal.account_id() {
            return Ok(own);
        }
        self.installation_account().await?.ok_or_else(|| {
            DomainError::validation(
                "accountId",
                "there is no account yet: create one with `streamgate admin create`",
            )
        })
    }

    /// The default account, or before the first start chose one, the only account; `None`
    /// when there is no account yet, an error when there are several.
    pub(super) async fn installation_account(&self) -> Result<Option<Uuid>, DomainError> {
        if let Some(id) = self.default_account().await? {
            return Ok(Some(id));
        }
        let mut accounts = self.store.list_accounts().await?;
        if accounts.len() > 1 {
            return Err(DomainError::validation(
                "accountId",
                "several accounts exist: name one with --account-id",
            ));
        }
        Ok(accounts.pop().map(|account| account.id))
    }

    /// The installation's default account, once the first start has chosen it.
    pub async fn default_account(&self) -> Result<Option<Uuid>, DomainError> {
        let stored = self.store.setting(DEFAULT_ACCOUNT_SETTING).await?;
        Ok(stored.and_then(|id| Uuid::parse_str(&id).ok()))
    }

    /// Gives the installation its default account if it has none: the oldest account (one made
    /// by `streamgate admin create` before the first start), else a new, empty one. Instances
    /// starting together agree: the settings row decides, and whoever finds that account
    /// missing creates it.
    pub(super) async fn ensure_default_account(&self) -> Result<Uuid, DomainError> {
        let id = match self.default_account().await? {
            Some(id) => id,
            None => {
                let oldest = self.store.list_accounts().await?.into_iter().next();
                let candidate = oldest.map_or_else(Uuid::new_v4, |account| account.id);
                let stored = self
                    .store
                    .setting_or_insert(DEFAULT_ACCOUNT_SETTING, &candidate.to_string())
                    .await?;
                match Uuid::parse_str(&stored) {
                    Ok(id) => id,
                    Err(_) => {
                        let value = candidate.to_string();
                        self.store
                            .put_setting(DEFAULT_ACCOUNT_SETTING, &value)
                            .await?;
                        candidate
                    }
                }
            }
        };
        if self.store.find_account(id).await?.is_none() {
            let account = Account {
                id,
                name: DEFAULT_ACCOUNT_NAME.into(),
                created_at: time::now(),
            };
            match self.store.insert_account(&account, None).await {
                Ok(()) => {
                    let target = Some(format!("account:{id} ({})", account.name));
                    let operator = actor(&Principal::Operator);
                    record_audit(
                        self.store,
                        Some(id),
                        &operator,
                        "account.created",
                        target,
                        None,
                    )
                    .await?;
                    tracing::info!(account_id = %id, "default account created");
                }
                // Another instance created it a moment ago.
                Err(StoreError::Duplicate(_)) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(id)
    }

    /// The audit trail, newest first: the caller's account, or for the superadmin and the
    /// operator `account_id` (every account when `None`). Needs `audit:read`.
    pub async fn audit_trail(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
    ) -> Result<Vec<AuditEntry>, DomainError> {
        self.authz.require(principal, Permission::AuditRead)?;
        let account_id = match (principal.account_id(), account_id) {
            (None, None) => None,
            (_, asked) => Some(self.acting_account(principal, asked).await?),
        };
        Ok(self.store.list_audit(account_id).await?)
    }

    /// Every account (the superadmin's and the operator's view); a member sees only their own.
    pub async fn accounts(&self, principal: &Principal) -> Result<Vec<Account>, DomainError> {
        match principal.account_id() {
            None => Ok(self.store.list_accounts().await?),
            Some(own) => Ok(self.store.find_account(own).await?.into_iter().collect()),
        }
    }
}

/// An account name, trimmed: 1 to 100 characters (`field` names it as the caller sent it).
pub(super) fn valid_account_name<'a>(
    field: &'static str,
    name: &'a str,
) -> Result<&'a str, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > ACCOUNT_NAME_MAX_CHARS {
        return Err(DomainError::validation(
            field,
            format!("account name must be 1 to {ACCOUNT_NAME_MAX_CHARS} characters"),
        ));
    }
    Ok(name)
}
