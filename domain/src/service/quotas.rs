//! Accounts with their quotas: listing and reading them with the limits in force, founding one
//! with its owner (the superadmin), renaming (owners), setting quotas (the superadmin alone),
//! and what an account uses. The limits themselves are held by the store's guarded inserts;
//! [`quota_check`] says which limit an insert is held to.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    accounts::valid_account_name,
    audit::{actor, record_audit},
    members::acts_as_owner,
    users::{email_conflict, new_user_record, user_target},
    AccountService, Context,
};
use crate::{
    model::{
        time, valid_limit, Account, AccountDetails, AccountPatch, AccountUsage, NewAccount,
        Permission, Principal, QuotaMetric, Quotas, Role,
    },
    store::{AccountQuotaRow, QuotaCheck},
    DomainError,
};

const NOT_FOUND: DomainError = DomainError::NotFound { what: "Account" };

impl AccountService<'_> {
    /// Every account with its quotas (the superadmin's and the operator's view); a member
    /// sees only their own.
    pub async fn account_list(
        &self,
        principal: &Principal,
    ) -> Result<Vec<AccountDetails>, DomainError> {
        let rows = match principal.account_id() {
            None => self.store.list_account_quotas().await?,
            Some(own) => self
                .store
                .find_account_quotas(own)
                .await?
                .into_iter()
                .collect(),
        };
        Ok(rows.iter().map(|row| self.details(row)).collect())
    }

    /// One account with its quotas; another account's is not found.
    pub async fn account(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<AccountDetails, DomainError> {
        let row = self.visible(principal, id).await?;
        Ok(self.details(&row))
    }

    /// A new account with its first owner. The superadmin's (and the operator's) alone.
    pub async fn create_account(
        &self,
        principal: &Principal,
        input: NewAccount,
        ip: Option<IpAddr>,
    ) -> Result<AccountDetails, DomainError> {
        if principal.account_id().is_some() {
            return Err(DomainError::NotAllowed {
                message: "Only the superadmin can create accounts",
            });
        }
        let name = valid_account_name("name", &input.name)?;
        let account = Account {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at: time::now(),
        };
        let (email, password) = (&input.owner.email, &input.owner.password);
        let owner = new_user_record(account.id, email, password, Role::Owner).await?;
        self.store
            .insert_account(&account, Some(&owner))
            .await
            .map_err(email_conflict)?;
        let actor = actor(principal);
        let target = Some(account_target(&account.id, &account.name));
        let account_id = Some(account.id);
        record_audit(
            self.store,
            account_id,
            &actor,
            "account.created",
            target,
            ip,
        )
        .await?;
        let target = Some(user_target(&owner.member));
        record_audit(self.store, account_id, &actor, "user.created", target, ip).await?;
        tracing::info!(account_id = %account.id, "account created");
        Ok(AccountDetails {
            id: account.id,
            name: account.name,
            created_at: account.created_at,
            quotas: self.context.quotas,
        })
    }

    /// Renames an account (its owners, the superadmin, the operator) and/or sets its quotas
    /// (the superadmin's and the operator's alone). Each part that changes is audited; a
    /// refused part refuses the whole change.
    pub async fn update_account(
        &self,
        principal: &Principal,
        id: Uuid,
        patch: AccountPatch,
        ip: Option<IpAddr>,
    ) -> Result<AccountDetails, DomainError> {
        let row = self.visible(principal, id).await?;
        if patch == AccountPatch::default() {
            return Err(DomainError::validation(
                "body",
                "Nothing to change: send name and/or quotas",
            ));
        }
        if patch.quotas.is_some() && principal.account_id().is_some() {
            return Err(DomainError::NotAllowed {
                message: "Only the superadmin can change quotas",
            });
        }
        if patch.name.is_some() && !acts_as_owner(principal) {
            return Err(DomainError::NotAllowed {
                message: "Only an owner can rename the account",
            });
        }
        let name = match &patch.name {
            Some(name) => valid_account_name("name", name)?.to_owned(),
            None => row.account.name.clone(),
        };
        let before = row.settings();
        let settings = match &patch.quotas {
            Some(quotas) => {
                for (metric, value) in quotas.entries() {
                    if value.is_some_and(|limit| !valid_limit(limit)) {
                        return Err(DomainError::validation(
                            "quotas",
                            format!(
                                "quotas.{} must be -1 (unlimited), a whole number of 0 or more, \
                                 or null (the default)",
                                metric.key()
                            ),
                        ));
                    }
                }
                before.patched(quotas)
            }
            None => before,
        };
        if !self.store.update_account(id, &name, &settings).await? {
            return Err(NOT_FOUND);
        }
        let actor = actor(principal);
        let target = || Some(account_target(&id, &name));
        if name != row.account.name {
            record_audit(
                self.store,
                Some(id),
                &actor,
                "account.renamed",
                target(),
                ip,
            )
            .await?;
        }
        if settings != before {
            let action = "account.quotas_changed";
            record_audit(self.store, Some(id), &actor, action, target(), ip).await?;
        }
        Ok(AccountDetails {
            id,
            name,
            created_at: row.account.created_at,
            quotas: settings.resolve(&self.context.quotas),
        })
    }

    /// An account's quotas and what it uses of them. Needs `usage:read`.
    pub async fn usage(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<AccountUsage, DomainError> {
        self.authz.require(principal, Permission::UsageRead)?;
        let row = self.visible(principal, id).await?;
        let live_since = self.context.playback.live_since(time::now());
        Ok(AccountUsage {
            account_id: id,
            quotas: row.settings().resolve(&self.context.quotas),
            usage: self.store.usage(id, live_since).await?,
        })
    }

    /// The account, if the caller may see it (members: their own).
    async fn visible(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<AccountQuotaRow, DomainError> {
        self.authz.scope(principal, id, "Account")?;
        self.store.find_account_quotas(id).await?.ok_or(NOT_FOUND)
    }

    fn details(&self, row: &AccountQuotaRow) -> AccountDetails {
        AccountDetails {
            id: row.account.id,
            name: row.account.name.clone(),
            created_at: row.account.created_at,
            quotas: row.settings().resolve(&self.context.quotas),
        }
    }
}

/// The limit an insert of `metric` into `account_id` is held to, if any: the account's own,
/// else the installation's default. Events without an account have no quota.
pub(crate) async fn quota_check(
    context: &Context<'_>,
    account_id: Option<Uuid>,
    metric: QuotaMetric,
) -> Result<Option<QuotaCheck>, DomainError> {
    let Some(account_id) = account_id else {
        return Ok(None);
    };
    let quotas = quotas_in_force(context.store, context.quotas, account_id).await?;
    Ok(QuotaCheck::new(Some(account_id), quotas.limit(metric)))
}

/// An account's limits in force; the defaults for an account that does not exist.
pub(crate) async fn quotas_in_force(
    store: &dyn crate::store::Store,
    defaults: Quotas,
    account_id: Uuid,
) -> Result<Quotas, DomainError> {
    let row = store.find_account_quotas(account_id).await?;
    Ok(row.map_or(defaults, |row| row.settings().resolve(&defaults)))
}

fn account_target(id: &Uuid, name: &str) -> String {
    format!("account:{id} ({name})")
}
