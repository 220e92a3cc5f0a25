//! The document library: Party documents with their structure, search, and reading.

#[cfg(feature = "ssr")]
pub mod structure;
