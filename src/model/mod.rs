//! The runbook and config types (serde), nothing else.

pub mod check;
pub mod config;
pub mod runbook;
pub mod spanned;

pub use check::{
    BodyExpect, Check, CheckRef, Expect, HeaderExpect, JsonExpect, NumCompare, ResultExpect,
    StatusExpect,
};
pub use config::{Config, Level, LintConfig};
pub use runbook::{
    Action, AlertRef, FailureMode, Hypothesis, Link, Param, Risk, Runbook, Severity, Signals,
    Target, is_label_name,
};
pub use spanned::{OrderedMap, Sp};
