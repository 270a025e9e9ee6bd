//! Executable checks: the curl parser, and (later stages) the runner and its expectations.

pub mod curl;
