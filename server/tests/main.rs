//! Every integration test of the server, in one binary: each module is one area (its own
//! `//!` says which), all sharing `common` (a fresh SQLite and PostgreSQL database per test).
//! Run one area with `cargo test -p server --test integration reading::`.

mod common;

mod activation;
mod assistant;
mod authoring;
mod authorization;
mod consultations;
mod documents;
mod foundation;
mod interaction;
mod meaning;
mod meeting_reports;
mod meetings;
mod member_import;
mod offline;
mod operations;
mod parsers;
mod push;
mod reading;
mod search_feed;
mod trust;
