//! Pieces shared by pages.

pub mod player;
