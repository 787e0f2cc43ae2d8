//! The set-up tasks besides `serve`: events, dashboard users and API tokens from the command
//! line, each acting as the installation's operator.

use clap::{Args, Subcommand};
use streamgate_domain::model::{NewEvent, Role, TokenScope};
use uuid::Uuid;

use super::{DatabaseArgs, QuotaArgs};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Mint an `sk_` API token and print only the token (it is shown this once).
    Create {
        #[command(flatten)]
        database: DatabaseArgs,
        /// 1 to 100 characters, to recognise it by.
        #[arg(long)]
        name: String,
        /// global (acts as the superadmin) or account (bound to one account).
        #[arg(long, default_value = "global", value_parser = parse_scope)]
        scope: TokenScope,
        /// The account an account token is bound to [default: the only account].
        #[arg(long)]
        account_id: Option<Uuid>,
        /// An account token's role [default: owner].
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
    },
}

fn parse_scope(text: &str) -> Result<TokenScope, String> {
    TokenScope::try_from(text.to_owned())
        .map_err(|_| format!("`{text}` is not a scope: use global or account"))
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a dashboard user. With no account yet, creates the account with this user as
    /// its owner; with one account, adds the user to it; with several, needs --account-id.
    Create {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        email: String,
        /// 8 to 256 characters.
        #[arg(long, env = "STREAMGATE_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// owner, administrator, editor or viewer.
        #[arg(long, default_value = "owner", value_parser = parse_role)]
        role: Role,
        /// The account to add the user to.
        #[arg(long)]
        account_id: Option<Uuid>,
        /// The name of the account, when this creates it.
        #[arg(long, default_value = "StreamGate")]
        account_name: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!("`{text}` is not a role: use owner, administrator, editor or viewer")
    })
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Create an event and print it as JSON.
    Create {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The organizer account that owns the event [default: the only account].
        #[arg(long)]
        account_id: Option<Uuid>,
        #[command(flatten)]
        quotas: QuotaArgs,
        #[command(flatten)]
        event: EventArgs,
    },
    /// Print all events as JSON.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Args)]
pub struct EventArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub description: Option<String>,
    /// Start time, RFC 3339 (e.g. 2026-03-15T09:00:00Z).
    #[arg(long, value_parser = parse_time)]
    pub starts_at: chrono::DateTime<chrono::Utc>,
    /// End time, RFC 3339.
    #[arg(long, value_parser = parse_time)]
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// Hours after the end during which codes keep working (1–168) [default: 48].
    #[arg(long)]
    pub access_window_hours: Option<i32>,
    /// Upstream HLS origin (http or https URL).
    #[arg(long)]
    pub stream_url: Option<String>,
    /// Poster image (http or https URL).
    #[arg(long)]
    pub poster_url: Option<String>,
    /// Anyone may watch without a code (GET /api/v1/events/:id/play-token).
    #[arg(long)]
    pub public_playback: bool,
    /// Viewers of the live event see StreamElements tips over the player.
    #[arg(long)]
    pub tip_alerts: bool,
}

impl From<EventArgs> for NewEvent {
    fn from(args: EventArgs) -> Self {
        NewEvent {
            title: args.title,
            description: args.description,
            stream_url: args.stream_url,
            poster_url: args.poster_url,
            starts_at: args.starts_at,
            ends_at: args.ends_at,
            access_window_hours: args.access_window_hours,
            public_playback: args.public_playback,
            tip_alerts: args.tip_alerts,
        }
    }
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    streamgate_domain::model::time::parse(text)
        .ok_or_else(|| format!("`{text}` is not an RFC 3339 time such as 2026-03-15T09:00:00Z"))
}
