//! Who may do what: roles, `resource:action` permissions, and the one matrix that joins them.
//! Shared with the browser so pages can hide what a role cannot use; the server enforces it.
//! `docs/PERMISSIONS.md` shows this matrix; a test keeps the two in step.

use serde::{Deserialize, Serialize};

/// A member's role within an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Administrator,
    Editor,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Administrator, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Administrator => "administrator",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// The permissions this role holds.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            // Seed 000: SE-token permissions belong to owners and administrators.
            Role::Owner | Role::Administrator => &Permission::ALL,
            // Editors run events; they do not manage people, API tokens or SE tokens.
            Role::Editor => &[
                EventsRead,
                EventsWrite,
                EventsDelete,
                CodesRead,
                CodesCreate,
                CodesRevoke,
                CodesExport,
                UsageRead,
                TipsRead,
            ],
            // Viewers look; bulk export of codes (which are tickets) is not looking.
            Role::Viewer => &[EventsRead, CodesRead, UsageRead],
        }
    }

    /// Whether this role is `ceiling` or below it (owner > administrator > editor > viewer).
    pub fn is_within(self, ceiling: Role) -> bool {
        let rank = |role: Role| Role::ALL.iter().position(|r| *r == role);
        rank(self) >= rank(ceiling)
    }

    pub fn grants(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Role::parse(&text).ok_or_else(|| format!("unknown role `{text}`"))
    }
}

/// Declares [`Permission`], its [`Permission::ALL`] list and its `resource:action` names from
/// one table, so the three cannot drift apart.
macro_rules! permissions {
    ($($variant:ident => $name:literal,)*) => {
        /// An action on a kind of resource, written `resource:action` as seed 001 does.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Permission {
            $($variant,)*
        }

        impl Permission {
            pub const ALL: [Permission; [$($name),*].len()] = [$(Permission::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Permission::$variant => $name,)*
                }
            }
        }
    };
}

permissions! {
    EventsRead => "events:read",
    EventsWrite => "events:write",
    EventsDelete => "events:delete",
    CodesRead => "codes:read",
    CodesCreate => "codes:create",
    CodesRevoke => "codes:revoke",
    CodesExport => "codes:export",
    SeTokensRead => "se-tokens:read",
    SeTokensCreate => "se-tokens:create",
    SeTokensDelete => "se-tokens:delete",
    ApiTokensRead => "api-tokens:read",
    ApiTokensCreate => "api-tokens:create",
    ApiTokensDelete => "api-tokens:delete",
    UsersRead => "users:read",
    UsersWrite => "users:write",
    UsageRead => "usage:read",
    AuditRead => "audit:read",
    TipsRead => "tips:read",
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert_eq!(Role::parse("superadmin"), None);
    }

    #[test]
    fn permission_names_are_unique_resource_action_pairs() {
        let mut names: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        assert!(
            names.iter().all(|name| name.split(':').count() == 2),
            "{names:?}"
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Permission::ALL.len());
    }

    #[test]
    fn only_owners_and_administrators_manage_people_and_tokens() {
        use Permission::*;
        for permission in [
            UsersRead,
            UsersWrite,
            ApiTokensRead,
            ApiTokensCreate,
            ApiTokensDelete,
            SeTokensRead,
            SeTokensCreate,
            SeTokensDelete,
            AuditRead,
        ] {
            assert!(Role::Owner.grants(permission) && Role::Administrator.grants(permission));
            assert!(!Role::Editor.grants(permission), "editor has {permission}");
            assert!(!Role::Viewer.grants(permission), "viewer has {permission}");
        }
    }

    #[test]
    fn roles_rank_owner_administrator_editor_viewer() {
        assert!(Role::Viewer.is_within(Role::Editor));
        assert!(Role::Editor.is_within(Role::Editor));
        assert!(!Role::Administrator.is_within(Role::Editor));
        assert!(Role::ALL.iter().all(|role| role.is_within(Role::Owner)));
        assert!(!Role::Owner.is_within(Role::Viewer));
    }

    #[test]
    fn viewers_only_read() {
        for permission in Role::Viewer.permissions() {
            assert!(
                permission.as_str().ends_with(":read"),
                "viewer has {permission}"
            );
        }
    }

    /// docs/PERMISSIONS.md shows the matrix; this keeps it from drifting.
    #[test]
    fn permissions_doc_matches_the_matrix() {
        let doc = include_str!("../../../docs/PERMISSIONS.md");
        for permission in Permission::ALL {
            let row = doc
                .lines()
                .find(|line| line.starts_with(&format!("| `{permission}` |")))
                .unwrap_or_else(|| panic!("docs/PERMISSIONS.md has no row for {permission}"));
            let cells: Vec<&str> = row
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            for (column, role) in Role::ALL.into_iter().enumerate() {
                let documented = cells[column + 1] == "yes";
                assert_eq!(
                    documented,
                    role.grants(permission),
                    "{permission} for {role} in the doc"
                );
            }
        }
    }
}
