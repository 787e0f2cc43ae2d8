//! Pieces shared by pages: the video player, the pages' frames, and the dashboard's tables,
//! forms, alerts and signed-in user.

pub mod alerts;
pub mod code_list;
pub mod copy_button;
pub mod event_form;
pub mod event_route;
pub mod event_table;
pub mod live_tips;
pub mod loaded;
pub mod page;
pub mod player;
pub mod signed_in;
pub mod tip_alerts;
pub mod usage;
