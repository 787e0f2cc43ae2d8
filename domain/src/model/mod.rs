//! Types shared by the server and the browser: what the API returns and the UI renders.

mod api_token;
mod audit;
mod code;
mod event;
mod identity;
mod permission;
mod playback;
mod quota;
mod revocation;
mod streamelements;
pub mod time;

pub use api_token::{
    ApiToken, MintedApiToken, NewApiToken, TokenScope, API_TOKEN_NAME_MAX_CHARS, API_TOKEN_PREFIX,
    API_TOKEN_SHOWN_CHARS,
};
pub use audit::AuditEntry;
pub use code::{
    AccessCode, CodeQuery, CodeStatus, NewCodes, Page, PageRequest, CODE_LENGTH,
    MAX_CODES_PER_BATCH,
};
pub use event::{
    DashboardStats, Event, EventCounts, EventPatch, EventQuery, EventSummary, NewEvent,
    DEFAULT_ACCESS_WINDOW_HOURS, MAX_ACCESS_WINDOW_HOURS, MIN_ACCESS_WINDOW_HOURS,
};
pub use identity::{
    Account, CredentialKind, Me, Member, MemberChange, NewMember, Principal, Subject,
};
pub use permission::{Permission, Role};
pub use playback::{
    stream_path, EventStatus, EventStatusReport, PlaybackGrant, PublicPlayback, RefreshedToken,
    ViewerEvent, ENTRY_PLAYLIST, PLAYBACK_TOKEN_LIFETIME_SECS, PUBLIC_SUBJECT,
};
pub use quota::{
    valid_limit, AccountDetails, AccountPatch, AccountUsage, NewAccount, NewOwner, QuotaExceeded,
    QuotaMetric, QuotaPatch, QuotaSettings, Quotas, Usage, UNLIMITED,
};
pub use revocation::{
    AccessChange, AccessChangeKind, CodeRestoration, CodeRevocation, EndedSession,
    EventDeactivation, EventReactivation, RevocationFeed, SessionEndReason,
    INTERNAL_API_KEY_HEADER,
};
pub use streamelements::{
    token_hint, NewSeToken, ReceivedTip, SePlatform, SeToken, SeTokenStatus, Tip, TipQuery,
    TipTotal, MASKED_TOKEN, SE_TOKEN_LABEL_MAX_CHARS,
};
