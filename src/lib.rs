//! opsbook: runbooks an on-call engineer can trust.
//!
//! The pipeline is a chain of plain values:
//! files → [`load`] (parsed runbooks with positions) → [`lint`] (diagnostics) →
//! pages ([`render`]), incident records ([`incident`]) or check reports ([`check`]) →
//! [`report`] presenters. The library never prints and never exits; the binary does.

pub mod alerts;
pub mod atomic;
pub mod check;
pub mod compile;
pub mod diagnostic;
pub mod incident;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parallel;
pub mod render;
pub mod report;
pub mod rule;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod terminal;
pub mod workspace;
